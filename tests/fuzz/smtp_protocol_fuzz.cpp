// Fuzz target: SMTP command lines (RFC 5321 §4.1) and the DATA reader (smuggling-safe end of data),
// fed whole and in pieces: never a crash; the reader never ends data except at CRLF.CRLF.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "smtp/protocol/command.hpp"
#include "smtp/protocol/data_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  namespace p = postamt::smtp::protocol;
  std::size_t start = 0;
  while (start <= in.size()) {
    std::size_t end = in.find('\n', start);
    std::string_view line = in.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    (void)p::parse_command(line, {});
    (void)p::parse_command(line, {true});
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  p::DataReader reader(1 << 20);
  std::string out;
  std::size_t consumed = 0;
  while (consumed < in.size() && !reader.done()) {
    std::size_t chunk = 1 + (in[consumed] & 7);
    consumed += reader.feed(in.substr(consumed, chunk), out);
  }
  if (reader.done() && in.substr(0, consumed).find("\r\n.\r\n") == std::string_view::npos &&
      in.substr(0, 3) != ".\r\n")
    std::abort();  // ended data without a real CRLF.CRLF
  return 0;
}
