// `postamt sieve test` and upload validation (see sieve_check.hpp): compile with the Sieve core
// (RFC 5228 §8 grammar and the extensions' validation) and print the actions execute() returns.
#include <sysexits.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
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

// RFC 6609 §3.2: personal scripts are NAME.sieve in --include-dir, global ones in --global-dir.
sieve::IncludeResolver include_resolver(std::string personal_dir, std::string global_dir) {
  return [personal_dir, global_dir](std::string_view name, bool global) -> std::optional<std::string> {
    const std::string& dir = global ? global_dir : personal_dir;
    if (dir.empty() || name.find('/') != std::string_view::npos) return std::nullopt;
    return read_file((std::filesystem::path(dir) / (std::string(name) + ".sieve")).string(), 1 << 20);
  };
}

// The local zone's offset from UTC at `t` (RFC 5260 §4.2: date tests without :zone use local time).
int local_zone_minutes(std::time_t t) {
  std::tm tm{};
  if (!localtime_r(&t, &tm)) return 0;
  return static_cast<int>(tm.tm_gmtoff / 60);
}

std::string bounded_number(const Args& args, const std::string& option, long max) {
  std::string v = args.get_or(option, "0");
  if (v.empty() || v.size() > 3 || v.find_first_not_of("0123456789") != std::string::npos || std::stol(v) > max)
    throw UsageError(option + " takes a number from 0 to " + std::to_string(max));
  return std::to_string(std::stol(v));
}

}  // namespace

std::optional<std::string> sieve_script_errors(std::string_view source) {
  auto compiled = sieve::compile(source);
  if (auto* errors = std::get_if<std::vector<sieve::Error>>(&compiled)) return sieve::format_errors(*errors);
  return std::nullopt;
}

int sieve_test(const Argv& argv) {
  Args args(argv, {{"--envelope-from", "--envelope-to", "--include-dir", "--global-dir", "--spamtest",
                    "--spamtest-percent", "--virustest", "--now"},
                   {}});
  const auto& pos = args.positional();
  if (pos.size() != 3 || pos[0] != "test") throw UsageError("usage: sieve test SCRIPT MESSAGE");
  const std::string spamtest = bounded_number(args, "--spamtest", 10);
  const std::string spamtest_percent = bounded_number(args, "--spamtest-percent", 100);
  const std::string virustest = bounded_number(args, "--virustest", 5);
  std::time_t now = std::time(nullptr);
  if (auto n = args.get("--now")) {
    if (n->empty() || n->size() > 12 || n->find_first_not_of("0123456789") != std::string::npos)
      throw UsageError("--now takes a Unix time");
    now = static_cast<std::time_t>(std::stoll(*n));
  }
  auto source = read_file(pos[1], 1 << 20);
  auto message = read_file(pos[2], kMaxMessage);
  if (!source || !message) {
    std::fprintf(stderr, "postamt sieve: cannot read %s\n", (!source ? pos[1] : pos[2]).c_str());
    return EX_NOINPUT;
  }
  sieve::CompileOptions options;
  options.include_resolver = include_resolver(args.get_or("--include-dir", ""), args.get_or("--global-dir", ""));
  auto compiled = sieve::compile(*source, options);
  if (auto* errors = std::get_if<std::vector<sieve::Error>>(&compiled)) {
    std::fputs(sieve::format_errors(*errors).c_str(), stderr);
    return EX_DATAERR;
  }
  auto parsed = mime::parse(*message);
  sieve::MessageContext ctx{*message, parsed};
  ctx.envelope_from = args.get_or("--envelope-from", "");
  ctx.envelope_to = args.get_or("--envelope-to", "");
  ctx.now = static_cast<std::int64_t>(now);
  ctx.local_zone_offset_minutes = local_zone_minutes(now);
  ctx.spamtest_value = spamtest;
  ctx.spamtest_percent = spamtest_percent;
  ctx.virustest_value = virustest;
  if (!ctx.envelope_to.empty()) ctx.user_addresses = {ctx.envelope_to};
  sieve::NullEnvironment env;
  auto result = sieve::execute(*std::get<std::shared_ptr<const sieve::Script>>(compiled), ctx, env);
  for (const auto& e : result.errors) std::printf("error %s\n", e.c_str());
  for (const auto& a : result.actions) std::printf("%s\n", describe(a).c_str());
  return EX_OK;
}

}  // namespace postamt::cli
