// OBJECTID values (RFC 8474 §4-§5): mailbox ids from the index row and UIDVALIDITY, email ids from the
// content hash, thread ids from the References / In-Reply-To / Message-ID root.
#include "imap/object_ids.hpp"

#include <cctype>
#include <optional>

#include "store/blob_files.hpp"

namespace postamt::imap {
namespace {

constexpr std::size_t kHashChars = 24;  // 96 bits of hex

// The first "<...>" msg-id in a header value (RFC 5322 §3.6.4), comments and garbage around it ignored.
std::optional<std::string> first_msg_id(std::string_view value) {
  auto open = value.find('<');
  if (open == std::string_view::npos) return std::nullopt;
  auto close = value.find('>', open + 1);
  if (close == std::string_view::npos || close == open + 1) return std::nullopt;
  std::string id;
  for (char c : value.substr(open, close - open + 1))
    if (!std::isspace(static_cast<unsigned char>(c))) id.push_back(c);  // folding inside the id
  return id;
}

}  // namespace

std::string mailbox_id(const store::MailboxInfo& box) {
  return "F" + std::to_string(box.id) + "-" + std::to_string(box.uidvalidity);
}

std::string email_id(const store::MessageInfo& message) { return "M" + message.blob.substr(0, kHashChars); }

std::string thread_id(std::string_view raw, const mime::Message& parsed, const store::MessageInfo& message) {
  std::optional<std::string> root;
  for (std::string_view field : {"References", "In-Reply-To", "Message-ID"}) {
    if (auto value = mime::header_value(raw, parsed.root, field)) root = first_msg_id(*value);
    if (root) break;
  }
  if (!root) return "T" + message.blob.substr(0, kHashChars);
  return "T" + store::sha256_hex(*root).substr(0, kHashChars);
}

bool is_object_id(std::string_view id) {
  if (id.empty() || id.size() > 255) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  return true;
}

}  // namespace postamt::imap
