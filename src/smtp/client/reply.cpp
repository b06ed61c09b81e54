// Reply-line parsing, EHLO keyword parsing and dot-stuffing for the SMTP client (RFC 5321 §4.2,
// §4.1.1.1, §4.5.2).
#include "smtp/client/reply.hpp"

#include <cctype>
#include <stdexcept>

#include "common/strings.hpp"

namespace postamt::smtp::client {

std::string ServerReply::str() const {
  std::string out = code ? std::to_string(code) : std::string("(no reply)");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += i == 0 ? " " : " / ";
    for (char c : lines[i]) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  return out;
}

std::string ServerReply::enhanced() const {
  if (lines.empty()) return {};
  const std::string& l = lines.front();
  // RFC 3463 §2: class "." subject "." detail, class 2, 4 or 5, subject and detail 1-3 digits.
  std::size_t i = 0;
  if (l.size() < 5 || (l[0] != '2' && l[0] != '4' && l[0] != '5') || l[1] != '.') return {};
  i = 2;
  for (int part = 0; part < 2; ++part) {
    std::size_t start = i;
    while (i < l.size() && std::isdigit(static_cast<unsigned char>(l[i])) && i - start < 3) ++i;
    if (i == start) return {};
    if (part == 0) {
      if (i >= l.size() || l[i] != '.') return {};
      ++i;
    }
  }
  if (i < l.size() && l[i] != ' ') return {};
  return l.substr(0, i);
}

std::optional<ReplyLine> parse_reply_line(std::string_view line) {
  if (line.size() < 3) return std::nullopt;
  for (int i = 0; i < 3; ++i)
    if (!std::isdigit(static_cast<unsigned char>(line[i]))) return std::nullopt;
  if (line[0] < '2' || line[0] > '5') return std::nullopt;
  ReplyLine r;
  r.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (line.size() == 3) return r;
  if (line[3] != '-' && line[3] != ' ') return std::nullopt;
  r.more = line[3] == '-';
  r.text = std::string(line.substr(4));
  return r;
}

bool ReplyAssembler::feed(std::string_view line) {
  auto l = parse_reply_line(line);
  if (!l) throw std::runtime_error("malformed SMTP reply line");
  if (reply_.code != 0 && reply_.code != l->code) throw std::runtime_error("reply code changed inside a reply");
  if (reply_.lines.size() >= kMaxLines) throw std::runtime_error("too many reply lines");
  reply_.code = l->code;
  reply_.lines.push_back(std::move(l->text));
  return !l->more;
}

ServerReply ReplyAssembler::take() {
  ServerReply r = std::move(reply_);
  reply_ = {};
  return r;
}

Extensions parse_ehlo(const ServerReply& reply) {
  Extensions e;
  for (std::size_t i = 1; i < reply.lines.size(); ++i) {
    auto words = str::split(reply.lines[i], ' ');
    if (words.empty()) continue;
    std::string kw = str::to_upper(words[0]);
    if (kw == "PIPELINING") e.pipelining = true;
    else if (kw == "8BITMIME") e.eightbitmime = true;
    else if (kw == "SMTPUTF8") e.smtputf8 = true;
    else if (kw == "STARTTLS") e.starttls = true;
    else if (kw == "DSN") e.dsn = true;
    else if (kw == "ENHANCEDSTATUSCODES") e.enhanced_status_codes = true;
    else if (kw == "CHUNKING") e.chunking = true;
    else if (kw == "SIZE") {
      std::uint64_t n = 0;
      bool ok = words.size() < 2 || words[1].empty() ? false : true;
      if (ok) {
        for (char c : words[1]) {
          if (!std::isdigit(static_cast<unsigned char>(c)) || n > (UINT64_MAX - 9) / 10) {
            ok = false;
            break;
          }
          n = n * 10 + static_cast<std::uint64_t>(c - '0');
        }
      }
      e.size = ok ? n : 0;
    } else if (kw == "AUTH") {
      for (std::size_t w = 1; w < words.size(); ++w)
        if (!words[w].empty()) e.auth.push_back(str::to_upper(words[w]));
    }
  }
  return e;
}

std::string dot_stuff(std::string_view m) {
  std::string out;
  out.reserve(m.size() + m.size() / 50 + 8);
  bool line_start = true;
  for (std::size_t i = 0; i < m.size(); ++i) {
    char c = m[i];
    if (line_start && c == '.') out += '.';  // RFC 5321 §4.5.2
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < m.size() && m[i + 1] == '\n') ++i;
      line_start = true;
    } else if (c == '\n') {
      out += "\r\n";
      line_start = true;
    } else {
      out += c;
      line_start = false;
    }
  }
  if (!line_start) out += "\r\n";
  out += ".\r\n";
  return out;
}

bool has_8bit(std::string_view bytes) {
  for (unsigned char c : bytes)
    if (c >= 0x80) return true;
  return false;
}

}  // namespace postamt::smtp::client
