// The client side of SMTP replies (RFC 5321 §4.2): reply lines "250-..." / "250 ..." into one reply,
// EHLO keywords (RFC 5321 §4.1.1.1) and dot-stuffing of the outgoing data (RFC 5321 §4.5.2).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::smtp::client {

struct ServerReply {
  int code = 0;                    // 0: no reply (connection failed before one arrived)
  std::vector<std::string> lines;  // text after "250-" / "250 "
  bool positive() const { return code >= 200 && code < 400; }
  bool transient() const { return code >= 400 && code < 500; }
  bool permanent() const { return code >= 500; }
  // "550 5.1.1 User unknown" (lines joined with " / ", control characters removed).
  std::string str() const;
  // The RFC 3463 enhanced status code at the start of the first line ("5.1.1"), or "".
  std::string enhanced() const;
};

// One reply line: code, whether more lines follow, text. nullopt when it is not "DDD[- ]text" / "DDD".
struct ReplyLine {
  int code = 0;
  bool more = false;
  std::string text;
};
std::optional<ReplyLine> parse_reply_line(std::string_view line);

// Assembles reply lines; feed() returns true when the reply is complete. Throws std::runtime_error on a
// malformed line, a code change inside a reply or more than kMaxLines lines.
class ReplyAssembler {
 public:
  static constexpr std::size_t kMaxLines = 100;
  bool feed(std::string_view line);
  ServerReply take();

 private:
  ServerReply reply_;
};

struct Extensions {
  bool pipelining = false, eightbitmime = false, smtputf8 = false, starttls = false, dsn = false;
  bool enhanced_status_codes = false, chunking = false;
  std::optional<std::uint64_t> size;  // SIZE n (0 = no fixed limit, RFC 1870 §4)
  std::vector<std::string> auth;      // AUTH mechanisms, upper case
};
// From the EHLO reply's lines after the first (the greeting line).
Extensions parse_ehlo(const ServerReply& reply);

// The message as DATA sends it: lines starting with "." doubled, bare LF / CR made CRLF, the final line
// terminated, followed by ".\r\n".
std::string dot_stuff(std::string_view message);

// Whether the bytes contain anything outside 7-bit ASCII (8BITMIME needed, RFC 6152).
bool has_8bit(std::string_view bytes);

}  // namespace postamt::smtp::client
