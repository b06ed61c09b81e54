// Test helper: parses IMAP response data (NIL, numbers, quoted strings, literals, lists) into a
// tree so tests can check ENVELOPE / BODYSTRUCTURE strings against the RFC 3501 §9 grammar.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::mime::testing {

struct Sexp {
  enum class Kind { Nil, Number, String, List } kind = Kind::Nil;
  std::string text;  // Number digits or String content
  std::vector<Sexp> items;
  bool literal = false;
};

// Strict reader: quoted strings must be 7-bit without CR/LF, literals must have exact lengths,
// lists are separated by single spaces except between adjacent lists (body-type-mpart).
class SexpReader {
 public:
  explicit SexpReader(std::string_view s) : s_(s) {}
  std::optional<Sexp> read_all() {
    auto v = read();
    if (!v || i_ != s_.size()) return std::nullopt;
    return v;
  }

 private:
  std::optional<Sexp> read() {
    if (++depth_ > 300) return std::nullopt;
    auto r = read_inner();
    --depth_;
    return r;
  }
  std::optional<Sexp> read_inner() {
    if (i_ >= s_.size()) return std::nullopt;
    Sexp v;
    char c = s_[i_];
    if (c == '(') {
      v.kind = Sexp::Kind::List;
      ++i_;
      bool first = true;
      while (i_ < s_.size() && s_[i_] != ')') {
        if (!first) {
          if (s_[i_] == ' ') {
            ++i_;
          } else if (s_[i_] != '(' || s_[i_ - 1] != ')') {
            return std::nullopt;  // only adjacent lists may omit the space
          }
        }
        first = false;
        auto item = read();
        if (!item) return std::nullopt;
        v.items.push_back(std::move(*item));
      }
      if (i_ >= s_.size()) return std::nullopt;
      ++i_;
      return v;
    }
    if (c == '"') {
      v.kind = Sexp::Kind::String;
      ++i_;
      while (i_ < s_.size() && s_[i_] != '"') {
        unsigned char ch = static_cast<unsigned char>(s_[i_]);
        if (ch == '\r' || ch == '\n' || ch >= 0x80 || ch == 0) return std::nullopt;
        if (ch == '\\') {
          if (++i_ >= s_.size() || (s_[i_] != '"' && s_[i_] != '\\')) return std::nullopt;
        }
        v.text.push_back(s_[i_++]);
      }
      if (i_ >= s_.size()) return std::nullopt;
      ++i_;
      return v;
    }
    if (c == '{') {
      std::size_t close = s_.find('}', i_);
      if (close == std::string_view::npos || close == i_ + 1) return std::nullopt;
      std::size_t n = 0;
      for (std::size_t k = i_ + 1; k < close; ++k) {
        if (s_[k] < '0' || s_[k] > '9') return std::nullopt;
        n = n * 10 + static_cast<std::size_t>(s_[k] - '0');
      }
      if (s_.substr(close + 1, 2) != "\r\n" || close + 3 + n > s_.size()) return std::nullopt;
      v.kind = Sexp::Kind::String;
      v.literal = true;
      v.text = std::string(s_.substr(close + 3, n));
      i_ = close + 3 + n;
      return v;
    }
    if (s_.substr(i_, 3) == "NIL") {
      i_ += 3;
      return v;
    }
    if (c >= '0' && c <= '9') {
      v.kind = Sexp::Kind::Number;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') v.text.push_back(s_[i_++]);
      return v;
    }
    return std::nullopt;
  }
  std::string_view s_;
  std::size_t i_ = 0;
  int depth_ = 0;
};

inline std::optional<Sexp> read_sexp(std::string_view s) { return SexpReader(s).read_all(); }

}  // namespace postamt::mime::testing
