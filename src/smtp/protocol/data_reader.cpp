// DATA body receiver: dot-unstuffing and a strict CRLF.CRLF end mark (RFC 5321 §4.1.1.4, §4.5.2, §2.3.8).
#include "smtp/protocol/data_reader.hpp"

namespace postamt::smtp::protocol {

void DataReader::emit(std::string& out, std::string_view s) {
  size_ += s.size();
  if (max_size_ && size_ > max_size_) too_big_ = true;
  if (!too_big_) out.append(s);
}

// A byte inside a line (state Middle).
void DataReader::middle(char c, std::string& out) {
  if (c == '\r') {
    state_ = State::Cr;
    return;
  }
  if (c == '\n') bare_lf_ = true;  // a bare LF does not end a line: no dot handling after it
  emit(out, std::string_view(&c, 1));
  state_ = State::Middle;
}

// A byte following a pending CR (states Cr and DotCr).
void DataReader::after_cr(char c, std::string& out) {
  if (c == '\n') {
    emit(out, "\r\n");
    state_ = State::LineStart;
    return;
  }
  bare_cr_ = true;  // the pending CR is not followed by LF
  emit(out, "\r");
  if (c == '\r') {
    state_ = State::Cr;
    return;
  }
  middle(c, out);
}

std::size_t DataReader::feed(std::string_view bytes, std::string& out) {
  std::size_t i = 0;
  for (; i < bytes.size() && state_ != State::Done; ++i) {
    char c = bytes[i];
    switch (state_) {
      case State::LineStart:
        if (c == '.') state_ = State::Dot;
        else middle(c, out);
        break;
      case State::Middle:
        middle(c, out);
        break;
      case State::Cr:
        after_cr(c, out);
        break;
      case State::Dot:
        // RFC 5321 §4.5.2: a line that is a single "." ends the data; otherwise the leading "." is
        // deleted. "." followed by a bare LF is an ordinary (flagged) line, never the end.
        if (c == '\r') state_ = State::DotCr;
        else middle(c, out);
        break;
      case State::DotCr:
        if (c == '\n') state_ = State::Done;  // CRLF "." CRLF
        else after_cr(c, out);                // ".\r" + other: a bare CR inside an ordinary line
        break;
      case State::Done:
        break;
    }
  }
  return i;
}

}  // namespace postamt::smtp::protocol
