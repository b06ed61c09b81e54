// Fuzz target: the Sieve compiler (lexer, parser, validator, include resolution) on arbitrary script
// text, and execution of whatever compiles against a fixed message (must never crash or hang).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mime/message.hpp"
#include "sieve/sieve.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view source(reinterpret_cast<const char*>(data), size);
  postamt::sieve::CompileOptions options;
  options.max_script_size = 64 * 1024;
  // Every included name resolves to a tiny script, except "self" (exercises loop detection).
  options.include_resolver = [source](std::string_view name, bool) -> std::optional<std::string> {
    if (name == "missing") return std::nullopt;
    if (name == "self") return std::string(source.substr(0, 4096));
    return std::string("require \"variables\"; set \"x\" \"y\";");
  };
  options.missing_include_is_error = false;
  auto compiled = postamt::sieve::compile(source, options);
  if (auto* errors = std::get_if<std::vector<postamt::sieve::Error>>(&compiled)) {
    if (errors->empty()) std::abort();  // a failed compile always explains itself
    for (const auto& e : *errors)
      if (e.line < 1 || e.column < 1 || e.message.empty()) std::abort();
    return 0;
  }
  static const std::string raw =
      "From: Joe <joe+x@example.com>\r\nTo: alice@example.org\r\nSubject: =?UTF-8?Q?hi_there?=\r\n"
      "Date: Tue, 1 Jul 2003 10:52:37 +0200\r\nMessage-ID: <1@example.com>\r\n"
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n";
  static const postamt::mime::Message parsed = postamt::mime::parse(raw);
  postamt::sieve::MessageContext ctx{raw, parsed};
  ctx.envelope_from = "joe+x@example.com";
  ctx.envelope_to = "alice@example.org";
  ctx.now = 1057049557;
  postamt::sieve::NullEnvironment env;
  postamt::sieve::ExecuteLimits limits;
  limits.max_steps = 10000;
  auto result = postamt::sieve::execute(*std::get<std::shared_ptr<const postamt::sieve::Script>>(compiled), ctx, env, limits);
  if (result.actions.empty()) std::abort();  // at least a keep or a discard
  if (!result.errors.empty() && result.actions.size() != 1) std::abort();  // runtime error -> keep only
  (void)postamt::sieve::apply_header_edits(raw, parsed, result);
  return 0;
}
