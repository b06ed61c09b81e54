// Message splitting for mail authentication over mime/'s header scanner (RFC 5322 §2.2), and the
// RFC5322.From domain DMARC needs (RFC 7489 §6.6.1).
#include "mailauth/message.hpp"

#include "common/strings.hpp"
#include "mime/address.hpp"
#include "mime/header_section.hpp"

namespace postamt::mailauth {
namespace {
std::string to_crlf(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() + raw.size() / 32);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}
}  // namespace

std::string_view HeaderField::value() const {
  auto colon = raw.find(':');
  return colon == std::string::npos ? std::string_view() : std::string_view(raw).substr(colon + 1);
}

const HeaderField* Message::last(std::string_view name) const {
  for (auto it = fields.rbegin(); it != fields.rend(); ++it)
    if (str::iequals(it->name, name)) return &*it;
  return nullptr;
}

std::size_t Message::count(std::string_view name) const {
  std::size_t n = 0;
  for (const auto& f : fields) n += str::iequals(f.name, name);
  return n;
}

std::optional<Message> parse_message(std::string_view raw, std::string* error) {
  Message m;
  m.text = to_crlf(raw);
  auto scan = mime::detail::scan_header(m.text, 0, m.text.size(), kMaxHeaderBytes);
  if (scan.too_big) {
    if (error) *error = "header section larger than 1 MiB";
    return std::nullopt;
  }
  if (scan.fields.size() > kMaxHeaderFields) {
    if (error) *error = "more than 2000 header fields";
    return std::nullopt;
  }
  for (const auto& f : scan.fields) {
    HeaderField h;
    h.name = m.text.substr(f.name_begin, f.name_end - f.name_begin);
    h.raw = m.text.substr(f.name_begin, f.value_end - f.name_begin);
    m.fields.push_back(std::move(h));
  }
  m.body_begin = scan.body_begin;
  return m;
}

std::optional<std::string> from_domain(const Message& m) {
  if (m.count("From") != 1) return std::nullopt;
  auto addrs = mime::parse_address_list(mime::detail::unfold(m.last("From")->value()));
  const mime::Address* only = nullptr;
  for (const auto& a : addrs) {
    if (a.kind != mime::Address::Kind::Mailbox) continue;
    if (only) return std::nullopt;
    only = &a;
  }
  if (!only || only->host.empty()) return std::nullopt;
  std::string host = str::to_lower(only->host);
  if (host.size() > 255) return std::nullopt;
  return host;
}

}  // namespace postamt::mailauth
