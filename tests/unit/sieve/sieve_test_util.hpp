// Test helpers for the Sieve unit tests: compile a script (asserting success or returning errors)
// and run it against a message with a recording environment.
#pragma once
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "mime/message.hpp"
#include "sieve/sieve.hpp"

namespace postamt::sieve::test {

inline std::shared_ptr<const Script> must_compile(std::string_view src, CompileOptions opts = {}) {
  auto r = compile(src, opts);
  if (auto* e = std::get_if<std::vector<Error>>(&r)) {
    ADD_FAILURE() << "compile failed:\n" << format_errors(*e) << "script:\n" << src;
    return nullptr;
  }
  return std::get<std::shared_ptr<const Script>>(r);
}

inline std::vector<Error> errors_of(std::string_view src, CompileOptions opts = {}) {
  auto r = compile(src, opts);
  if (auto* e = std::get_if<std::vector<Error>>(&r)) return *e;
  return {};
}

struct RecordingEnvironment : RuntimeEnvironment {
  std::set<std::string> seen_ids, vacation_sent, mailboxes{"INBOX", "Archive"};
  bool duplicate_seen(std::string_view id, std::uint64_t) override { return seen_ids.count(std::string(id)) != 0; }
  bool vacation_already_sent(std::string_view sender, std::string_view handle, std::uint64_t) override {
    return vacation_sent.count(std::string(sender) + "|" + std::string(handle)) != 0;
  }
  bool mailbox_exists(std::string_view m) override { return mailboxes.count(std::string(m)) != 0; }
};

inline const char* const kMessage =
    "Date: Tue, 1 Jul 2003 10:52:37 +0200\r\n"
    "From: Joe Smith <joe+lists@example.com>\r\n"
    "To: Alice <alice@example.org>, bob@example.net\r\n"
    "Cc: coyote@desert.example.org\r\n"
    "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= about the urgent [tc] thing\r\n"
    "Message-ID: <1234@local.machine.example>\r\n"
    "X-Caffeine: C8H10N4O2\r\n"
    "\r\n"
    "Hello world, this is the body.\r\n";

struct Harness {
  std::string raw;
  mime::Message parsed;
  MessageContext ctx;
  RecordingEnvironment env;
  ExecuteLimits limits;
  explicit Harness(std::string message = kMessage)
      : raw(std::move(message)), parsed(mime::parse(raw)), ctx{raw, parsed} {
    ctx.envelope_from = "joe+lists@example.com";
    ctx.envelope_to = "alice@example.org";
    ctx.now = 1057049557;  // 2003-07-01T08:52:37Z
  }
  Result operator()(std::string_view script, CompileOptions opts = {}) {
    auto s = must_compile(script, std::move(opts));
    if (!s) return {};
    return execute(*s, ctx, env, limits);
  }
};

inline std::string describe(const Result& r) {
  std::string out;
  for (const auto& a : r.actions) {
    switch (a.kind) {
      case Action::Kind::Keep: out += "keep"; break;
      case Action::Kind::FileInto: out += "fileinto:" + a.mailbox; break;
      case Action::Kind::Redirect: out += "redirect:" + a.address; break;
      case Action::Kind::Discard: out += "discard"; break;
      case Action::Kind::Reject: out += "reject:" + a.reason; break;
      case Action::Kind::Ereject: out += "ereject:" + a.reason; break;
      case Action::Kind::Vacation: out += "vacation:" + a.address; break;
    }
    if (!a.flags.empty()) {
      out += "[";
      for (std::size_t i = 0; i < a.flags.size(); ++i) out += (i ? " " : "") + a.flags[i];
      out += "]";
    }
    out += ";";
  }
  return out;
}

}  // namespace postamt::sieve::test
