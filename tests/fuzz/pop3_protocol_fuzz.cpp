// Fuzz target: POP3 command lines (RFC 1939, 2449, 5034) and the dot-stuffing writer: never a crash,
// and stuffed output never contains an early terminator line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pop3/protocol/command.hpp"
#include "pop3/protocol/multiline.hpp"
#include "pop3/protocol/top.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  namespace p = postamt::pop3::protocol;
  (void)p::parse_command(in.substr(0, in.find('\n')));
  std::string stuffed = p::dot_stuff(in);
  if (stuffed.find("\r\n.\r\n") != std::string::npos || stuffed.substr(0, 3) == ".\r\n") std::abort();
  (void)p::top_extract(in, size % 7);
  return 0;
}
