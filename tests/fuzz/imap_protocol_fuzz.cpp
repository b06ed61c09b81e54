// Fuzz target: the IMAP incremental receiver (literals, continuations, limits) and the command
// parser (RFC 9051 §9 grammar), fed in input-dependent chunks: never a crash or an endless loop.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "imap/protocol/parser.hpp"
#include "imap/protocol/receiver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  namespace p = postamt::imap::protocol;
  p::Limits limits;
  limits.max_line = 4096;
  limits.max_literal = 1 << 16;
  limits.max_nonsync_literal = 4096;
  limits.max_command = 1 << 18;
  limits.max_skip_literal = 1 << 16;
  p::Receiver receiver(limits);
  std::size_t pos = 0;
  int events = 0;
  while (events < 100000) {
    auto ev = receiver.next();
    ++events;
    if (auto* cmd = std::get_if<p::RawCommand>(&ev)) {
      (void)p::parse_command(*cmd, limits);
      continue;
    }
    if (std::holds_alternative<p::ReceiveError>(ev) && receiver.closed()) break;
    if (std::holds_alternative<p::NeedMore>(ev) || std::holds_alternative<p::NeedContinuation>(ev)) {
      if (pos >= in.size()) break;
      std::size_t chunk = 1 + (static_cast<unsigned char>(in[pos]) % 64);
      receiver.feed(in.substr(pos, chunk));
      pos += chunk;
    }
  }
  return 0;
}
