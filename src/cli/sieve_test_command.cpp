// `postamt sieve test` and upload validation (see sieve_check.hpp): compile with the Sieve core
// (RFC 5228 §8 grammar and the extensions' validation) and print the actions execute() returns.
#include <sysexits.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#include "cli/args.hpp"
#include "cli/sieve_check.hpp"
#include "mime/message.hpp"
#include "sieve/sieve.hpp"

namespace postamt::cli {
namespace {

constexpr std::size_t kMaxMessage = 64u << 20;

std::optional<std::string> read_file(const std::string& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data(limit + 1, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<std::size_t>(in.gcount()));
  if (data.size() > limit) return std::nullopt;
  return data;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

std::string describe(const sieve::Action& a) {
  std::string line;
  switch (a.kind) {
    case sieve::Action::Kind::Keep: line = "keep"; break;
    case sieve::Action::Kind::FileInto: line = "fileinto " + quoted(a.mailbox); break;
    case sieve::Action::Kind::Redirect: line = "redirect " + quoted(a.address); break;
    case sieve::Action::Kind::Discard: line = "discard"; break;
    case sieve::Action::Kind::Reject: line = "reject " + quoted(a.reason); break;
    case sieve::Action::Kind::Ereject: line = "ereject " + quoted(a.reason); break;
    case sieve::Action::Kind::Vacation:
      line = "vacation to " + quoted(a.address) + " subject " + quoted(a.subject) + " seconds " +
             std::to_string(a.seconds);
      break;
  }
  if (a.copy) line += " :copy";
  if (!a.flags.empty()) {
    line += " flags";
    for (const auto& f : a.flags) line += " " + f;
  }
  return line;
}

}  // namespace

std::optional<std::string> sieve_script_errors(std::string_view source) {
  auto compiled = sieve::compile(source);
  if (auto* errors = std::get_if<std::vector<sieve::Error>>(&compiled)) return sieve::format_errors(*errors);
  return std::nullopt;
}

int sieve_test(const Argv& argv) {
  Args args(argv, {{"--envelope-from", "--envelope-to"}, {}});
  const auto& pos = args.positional();
  if (pos.size() != 3 || pos[0] != "test") throw UsageError("usage: sieve test SCRIPT MESSAGE");
  auto source = read_file(pos[1], 1 << 20);
  auto message = read_file(pos[2], kMaxMessage);
  if (!source || !message) {
    std::fprintf(stderr, "postamt sieve: cannot read %s\n", (!source ? pos[1] : pos[2]).c_str());
    return EX_NOINPUT;
  }
  auto compiled = sieve::compile(*source);
  if (auto* errors = std::get_if<std::vector<sieve::Error>>(&compiled)) {
    std::fputs(sieve::format_errors(*errors).c_str(), stderr);
    return EX_DATAERR;
  }
  auto parsed = mime::parse(*message);
  sieve::MessageContext ctx{*message, parsed};
  ctx.envelope_from = args.get_or("--envelope-from", "");
  ctx.envelope_to = args.get_or("--envelope-to", "");
  ctx.now = static_cast<std::int64_t>(std::time(nullptr));
  if (!ctx.envelope_to.empty()) ctx.user_addresses = {ctx.envelope_to};
  sieve::NullEnvironment env;
  auto result = sieve::execute(*std::get<std::shared_ptr<const sieve::Script>>(compiled), ctx, env);
  for (const auto& e : result.errors) std::printf("error %s\n", e.c_str());
  for (const auto& a : result.actions) std::printf("%s\n", describe(a).c_str());
  return EX_OK;
}

}  // namespace postamt::cli
