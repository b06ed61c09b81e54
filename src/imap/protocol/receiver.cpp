// Incremental IMAP command framing (see receiver.hpp). RFC 9051 §4.3, §7.5; RFC 7888 §4-5.
#include "imap/protocol/receiver.hpp"

#include <algorithm>
#include <optional>

#include "common/strings.hpp"
#include "imap/protocol/chars.hpp"

namespace postamt::imap::protocol {
namespace {

constexpr std::size_t kTailKeep = 64;  // enough to recognise "~{<20 digits>+}" at a line's end

struct LiteralHeader {
  std::uint64_t size = 0;
  bool sync = true;
  bool binary = false;
  bool overflow = false;
};

// A line announces a literal when it ends with "{" number64 ["+"] "}" (RFC 9051 §4.3), or
// "~{...}" for literal8 (RFC 3516 §7, RFC 4466 allows "+" there too).
std::optional<LiteralHeader> literal_header(std::string_view line) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  std::size_t i = line.size() - 1;
  LiteralHeader h;
  if (i > 0 && line[i - 1] == '+') {
    h.sync = false;
    --i;
  }
  const std::size_t digits_end = i;
  while (i > 0 && is_digit(line[i - 1])) --i;
  if (i == digits_end || i == 0 || line[i - 1] != '{') return std::nullopt;
  const std::string_view digits = line.substr(i, digits_end - i);
  h.binary = i >= 2 && line[i - 2] == '~';
  constexpr std::uint64_t kMax = 9'223'372'036'854'775'807ull;  // number64 (RFC 9051 §9)
  for (char c : digits) {
    if (h.size > (kMax - static_cast<unsigned>(c - '0')) / 10) {
      h.overflow = true;
      break;
    }
    h.size = h.size * 10 + static_cast<unsigned>(c - '0');
  }
  return h;
}

std::string tag_of(std::string_view line) {
  const auto sp = line.find(' ');
  if (sp == std::string_view::npos || sp == 0) return {};
  const auto tag = line.substr(0, sp);
  return std::all_of(tag.begin(), tag.end(), is_tag_char) ? std::string(tag) : std::string();
}

}  // namespace

Receiver::Receiver(Limits limits) : limits_(limits) {}

void Receiver::feed(std::string_view bytes) { buf_.append(bytes); }

std::size_t Receiver::discard_buffered() {
  const std::size_t n = buf_.size() - pos_;
  buf_.clear();
  pos_ = 0;
  return n;
}

ReceiveEvent Receiver::next() { return step(false); }
ReceiveEvent Receiver::next_line() { return step(true); }

void Receiver::compact() {
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > 4096 && pos_ > buf_.size() / 2) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
}

void Receiver::reset_command() {
  state_ = State::Line;
  cmd_.clear();
  line_.clear();
  text_bytes_ = 0;
  total_bytes_ = 0;
  literal_left_ = 0;
  first_line_ = true;
  discarding_ = false;
  tag_.clear();
}

std::string Receiver::current_tag() const { return tag_.empty() ? tag_of(line_) : tag_; }

ReceiveEvent Receiver::fatal(std::string text) {
  closed_ = true;
  fatal_text_ = std::move(text);
  buf_.clear();
  pos_ = 0;
  return ReceiveError{current_tag(), fatal_text_, true};
}

// Reports an error for the command in progress and throws the rest of it away. When the current
// line is complete and announces a non-synchronising literal, that literal is skipped too
// (RFC 7888 §4 option 1) unless it is bigger than max_skip_literal (then option 2: close).
ReceiveEvent Receiver::fail(std::string text, bool line_complete) {
  ReceiveError err{current_tag(), std::move(text), false};
  cmd_.clear();
  discarding_ = true;
  if (line_complete && !line_.empty() && line_.back() == '\r') line_.pop_back();
  if (!line_complete) {
    if (line_.size() > kTailKeep) line_.erase(0, line_.size() - kTailKeep);
    return err;
  }
  const auto lit = literal_header(line_);
  if (lit && !lit->sync) {
    if (lit->overflow || lit->size > limits_.max_skip_literal)
      return fatal("Literal too big to skip, closing connection");
    reset_command();
    discarding_ = true;
    state_ = State::Literal;
    literal_left_ = lit->size;
    return err;
  }
  // A synchronising literal is never sent without our "+"; the tagged BAD ends the command.
  reset_command();
  return err;
}

ReceiveEvent Receiver::step(bool line_mode) {
  if (closed_) return ReceiveError{"", fatal_text_, true};
  for (;;) {
    if (state_ == State::Literal) {
      const std::uint64_t take = std::min<std::uint64_t>(buf_.size() - pos_, literal_left_);
      if (!discarding_) cmd_.append(buf_, pos_, static_cast<std::size_t>(take));
      pos_ += static_cast<std::size_t>(take);
      literal_left_ -= take;
      if (literal_left_ > 0) {
        compact();
        return NeedMore{};
      }
      state_ = State::Line;
      line_.clear();
      continue;
    }
    const std::size_t lf = buf_.find('\n', pos_);
    const std::size_t end = lf == std::string::npos ? buf_.size() : lf;
    const std::string_view chunk(buf_.data() + pos_, end - pos_);
    pos_ = end;
    if (discarding_) {
      line_.append(chunk);
      if (line_.size() > kTailKeep) line_.erase(0, line_.size() - kTailKeep);
    } else {
      text_bytes_ += chunk.size();
      line_.append(chunk);
      if (text_bytes_ > limits_.max_line) {
        if (lf != std::string::npos) ++pos_;
        auto ev = fail("Command line too long", lf != std::string::npos);
        compact();
        return ev;
      }
    }
    if (lf == std::string::npos) {
      compact();
      return NeedMore{};
    }
    ++pos_;
    if (auto ev = finish_line(line_mode); !std::holds_alternative<NeedMore>(ev)) {
      compact();
      return ev;
    }
  }
}

// A complete line segment is in line_ (LF consumed). Returns NeedMore to mean "keep going".
ReceiveEvent Receiver::finish_line(bool line_mode) {
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  if (discarding_) {
    const auto lit = literal_header(line_);
    if (lit && !lit->sync) {
      if (lit->overflow || lit->size > limits_.max_skip_literal)
        return fatal("Literal too big to skip, closing connection");
      line_.clear();
      state_ = State::Literal;
      literal_left_ = lit->size;
      return NeedMore{};
    }
    reset_command();
    return NeedMore{};
  }
  if (line_mode && first_line_) {
    Line l{std::move(line_)};
    reset_command();
    return l;
  }
  if (first_line_ && line_.empty()) {  // stray empty line between commands: ignore it
    reset_command();
    return NeedMore{};
  }
  if (line_.find('\0') != std::string::npos) return fail("NUL octet in command line", true);
  if (first_line_) {
    // command = tag SP command-name [SP arguments] (RFC 9051 §9)
    const auto sp = line_.find(' ');
    const std::string_view tag = std::string_view(line_).substr(0, sp);
    if (tag.empty() || !std::all_of(tag.begin(), tag.end(), is_tag_char))
      return fail(tag.empty() ? "Missing tag" : "Invalid characters in tag", true);
    tag_ = std::string(tag);
    if (sp == std::string::npos) return fail("Missing command name", true);
    std::size_t p = sp + 1;
    while (p < line_.size() && is_atom_char(line_[p])) ++p;
    if (p == sp + 1) return fail("Missing command name", true);
    if (p < line_.size() && line_[p] != ' ') return fail("Expected SP after command name", true);
    name_ = str::to_upper(std::string_view(line_).substr(sp + 1, p - sp - 1));
    first_line_ = false;
    line_.erase(0, std::min(line_.size(), p + 1));
  }
  const auto lit = literal_header(line_);
  total_bytes_ += line_.size() + 2;
  cmd_.append(line_);
  line_.clear();
  if (!lit) {
    RawCommand c{std::move(tag_), std::move(name_), std::move(cmd_)};
    reset_command();
    return c;
  }
  const std::uint64_t limit = lit->sync ? limits_.max_literal
                                        : std::min(limits_.max_literal, limits_.max_nonsync_literal);
  if (lit->overflow || lit->size > limit || total_bytes_ + lit->size > limits_.max_command) {
    if (lit->sync) {
      // RFC 9051 §7.5: refuse with a tagged BAD and never send "+"; the client sends nothing more.
      ReceiveError err{tag_, "Literal too big", false};
      reset_command();
      return err;
    }
    // RFC 7888 §4-5: the client sends the data anyway; skip it (or close when huge).
    if (lit->overflow || lit->size > limits_.max_skip_literal)
      return fatal("[TOOBIG] Non-synchronizing literal too big, closing connection");
    ReceiveError err{tag_, "[TOOBIG] Literal too big", false};
    cmd_.clear();
    discarding_ = true;
    state_ = State::Literal;
    literal_left_ = lit->size;
    return err;
  }
  cmd_.append("\r\n");
  total_bytes_ += lit->size;
  state_ = State::Literal;
  literal_left_ = lit->size;
  if (lit->sync) return NeedContinuation{lit->size};
  return NeedMore{};
}

}  // namespace postamt::imap::protocol
