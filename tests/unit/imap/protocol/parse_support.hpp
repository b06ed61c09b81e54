// Test helpers for the command parser tests (parser_test.cpp, metadata_test.cpp): a command framed
// through the Receiver as on the wire, then parsed.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>

#include "imap/protocol/parser.hpp"
#include "imap/protocol/receiver.hpp"

namespace postamt::imap::protocol::testing {

// Frames `line` (a full command with CRLF) through a Receiver, then parses it.
inline ParseResult parse_wire(std::string_view wire, Limits limits = {}) {
  Receiver r(limits);
  r.feed(wire);
  for (;;) {
    auto ev = r.next();
    if (auto* c = std::get_if<RawCommand>(&ev)) return parse_command(*c, limits);
    if (std::holds_alternative<NeedContinuation>(ev)) continue;
    ADD_FAILURE() << "no command framed from: " << wire;
    return {};
  }
}

// "NAME args" without tag and CRLF.
inline ParseResult parse(std::string_view text, Limits limits = {}) {
  return parse_wire("t " + std::string(text) + "\r\n", limits);
}

template <typename T>
T get(std::string_view text) {
  auto r = parse(text);
  EXPECT_TRUE(r.ok()) << text << " -> " << r.error;
  if (!r.ok() || !std::holds_alternative<T>(*r.command)) {
    ADD_FAILURE() << "wrong command type for " << text;
    return T{};
  }
  return std::get<T>(*r.command);
}

}  // namespace postamt::imap::protocol::testing
