// Incremental receiver for the DATA body (RFC 5321 §4.1.1.4, §4.5.2): removes dot-stuffing and stops
// at the end-of-data mark CRLF "." CRLF, recognised ONLY with real CRLFs. Bare LF and bare CR are
// reported (bare_line_ending_seen) so the session can refuse the message with 550 5.6.11: the SMTP
// smuggling family ("\n.\r\n", "\r\n.\n", "\r.\r", "\n.\n", ...) must never end the data here while a
// downstream MTA might take it as the end (RFC 5321 §2.3.8: lines end with CRLF only).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace postamt::smtp::protocol {

class DataReader {
 public:
  // max_size: message octets (after unstuffing, CRLF counted) above which too_big() is set; 0 = no limit.
  explicit DataReader(std::uint64_t max_size = 0) : max_size_(max_size) {}

  // Consumes bytes up to and including the end-of-data mark and appends the message octets to `out`
  // (CRLF line ends kept; the final CRLF before "." belongs to the message). Returns the count consumed;
  // less than bytes.size() only once done() (the rest belongs to the next command). Once too_big(),
  // nothing more is appended but input is still consumed up to the end mark.
  std::size_t feed(std::string_view bytes, std::string& out);

  bool done() const { return state_ == State::Done; }
  bool too_big() const { return too_big_; }
  bool bare_lf_seen() const { return bare_lf_; }  // LF not preceded by CR
  bool bare_cr_seen() const { return bare_cr_; }  // CR not followed by LF
  bool bare_line_ending_seen() const { return bare_lf_ || bare_cr_; }
  // Message octets received so far (counted past the limit too).
  std::uint64_t size() const { return size_; }

  void reset() { *this = DataReader(max_size_); }

 private:
  enum class State {
    LineStart,  // after a real CRLF (or at the very beginning)
    Middle,     // inside a line
    Cr,         // inside a line, a CR is pending (not yet known whether LF follows)
    Dot,        // the line began with "." (removed; RFC 5321 §4.5.2)
    DotCr,      // the line is "." CR so far
    Done,
  };
  void emit(std::string& out, std::string_view s);
  void middle(char c, std::string& out);
  void after_cr(char c, std::string& out);

  std::uint64_t max_size_;
  std::uint64_t size_ = 0;
  State state_ = State::LineStart;
  bool too_big_ = false;
  bool bare_lf_ = false;
  bool bare_cr_ = false;
};

}  // namespace postamt::smtp::protocol
