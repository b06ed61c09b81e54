// Fuzz target: the MIME parser and the IMAP ENVELOPE/BODYSTRUCTURE writers on arbitrary bytes
// (must never crash, hang or read out of bounds; offsets must stay inside the input).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mime/message.hpp"

namespace {
void check_offsets(const postamt::mime::Part& p, std::size_t size) {
  if (p.header_begin > p.header_end || p.body_begin > p.body_end || p.body_end > size || p.header_end > size)
    std::abort();
  for (const auto& c : p.children) check_offsets(c, size);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto message = postamt::mime::parse(raw);
  check_offsets(message.root, size);
  if (!message.fatal) {
    (void)postamt::mime::envelope(raw, message);
    (void)postamt::mime::body_structure(raw, message, true);
    (void)postamt::mime::body_structure(raw, message, false);
  }
  return 0;
}
