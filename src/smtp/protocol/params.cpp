// MAIL/RCPT parameter parsing (RFC 5321 §4.1.2 esmtp-param; RFC 1870 §3, RFC 6152 §2, RFC 3030 §3,
// RFC 6531 §3.4, RFC 3461 §4.1-4.4, RFC 4954 §5).
#include "smtp/protocol/params.hpp"

#include <vector>

#include "common/strings.hpp"
#include "smtp/protocol/limits.hpp"
#include "smtp/protocol/xtext.hpp"

namespace postamt::smtp::protocol {
namespace {

struct Param {
  std::string_view keyword;
  std::optional<std::string_view> value;
};

Error bad(std::string text) { return Error{ErrorKind::BadParameter, Reply{501, "5.5.4", std::move(text)}}; }

// esmtp-param = esmtp-keyword ["=" esmtp-value]; esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-");
// esmtp-value = 1*(%d33-60 / %d62-126), and RFC 6531 §3.3 lets UTF-8 in under SMTPUTF8; we accept
// non-ASCII octets in values only where a parameter's own syntax allows them (none of ours does).
std::optional<Error> split_params(std::string_view text, std::vector<Param>& out) {
  for (auto word : str::split(text, ' ')) {
    if (word.empty()) continue;  // tolerate runs of spaces
    if (out.size() >= kMaxParameters)
      return Error{ErrorKind::TooManyParameters, Reply{501, "5.5.4", "Too many parameters"}};
    auto eq = word.find('=');
    Param p{word.substr(0, eq), std::nullopt};
    if (p.keyword.empty()) return bad("Syntax error in parameters");
    for (std::size_t i = 0; i < p.keyword.size(); ++i) {
      char c = p.keyword[i];
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && !(i > 0 && c == '-')) return bad("Syntax error in parameter keyword");
    }
    if (eq != std::string_view::npos) {
      std::string_view v = word.substr(eq + 1);
      if (v.empty()) return bad("Empty parameter value");
      for (unsigned char c : v)
        if (c < 33 || c > 126 || c == '=') return bad("Syntax error in parameter value");
      p.value = v;
    }
    for (const auto& seen : out)
      if (str::iequals(seen.keyword, p.keyword)) return bad("Duplicate parameter " + str::to_upper(p.keyword));
    out.push_back(p);
  }
  return std::nullopt;
}

Error unknown(std::string_view keyword) {
  return Error{ErrorKind::UnknownParameter, Reply{555, "5.5.4", "Unsupported parameter " + str::to_upper(keyword)}};
}

std::optional<std::uint64_t> parse_number(std::string_view v) {
  if (v.empty() || v.size() > 20) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return std::nullopt;
    n = n * 10 + d;
  }
  return n;
}

}  // namespace

std::optional<Error> parse_mail_params(std::string_view text, MailParams& out) {
  std::vector<Param> params;
  if (auto e = split_params(text, params)) return e;
  for (const auto& p : params) {
    std::string key = str::to_upper(p.keyword);
    std::string_view v = p.value.value_or(std::string_view{});
    if (key == "SMTPUTF8") {
      if (p.value) return bad("SMTPUTF8 takes no value");  // RFC 6531 §3.4
      out.smtputf8 = true;
      continue;
    }
    if (!p.value) {
      if (key == "SIZE" || key == "BODY" || key == "RET" || key == "ENVID" || key == "AUTH")
        return bad(key + " requires a value");
      return unknown(p.keyword);
    }
    if (key == "SIZE") {
      out.size = parse_number(v);  // RFC 1870 §3: size-value = 1*20DIGIT
      if (!out.size) return bad("Bad SIZE value");
    } else if (key == "BODY") {
      if (str::iequals(v, "7BIT")) out.body = Body::SevenBit;
      else if (str::iequals(v, "8BITMIME")) out.body = Body::EightBitMime;
      else if (str::iequals(v, "BINARYMIME")) out.body = Body::BinaryMime;
      else return bad("Bad BODY value");
    } else if (key == "RET") {
      if (str::iequals(v, "FULL")) out.ret = Ret::Full;
      else if (str::iequals(v, "HDRS")) out.ret = Ret::Hdrs;
      else return bad("Bad RET value");
    } else if (key == "ENVID") {
      if (v.size() > kMaxEnvid) return bad("ENVID too long");  // RFC 3461 §4.4
      auto d = xtext_decode(v);
      if (!d) return bad("Bad xtext in ENVID");
      // RFC 3461 §4.4: the decoded ENVID consists of printable US-ASCII characters.
      for (unsigned char c : *d)
        if (c < 32 || c > 126) return bad("Bad character in ENVID");
      out.envid = std::move(*d);
    } else if (key == "AUTH") {
      // RFC 4954 §5: AUTH=<> or AUTH=xtext(mailbox).
      if (v == "<>") {
        out.auth = std::string();
      } else {
        auto d = xtext_decode(v);
        if (!d) return bad("Bad xtext in AUTH");
        out.auth = std::move(*d);
      }
    } else {
      return unknown(p.keyword);
    }
  }
  return std::nullopt;
}

std::optional<Error> parse_rcpt_params(std::string_view text, RcptParams& out) {
  std::vector<Param> params;
  if (auto e = split_params(text, params)) return e;
  for (const auto& p : params) {
    std::string key = str::to_upper(p.keyword);
    if (key != "NOTIFY" && key != "ORCPT") return unknown(p.keyword);
    if (!p.value) return bad(key + " requires a value");
    std::string_view v = *p.value;
    if (key == "NOTIFY") {
      // RFC 3461 §4.1: "NEVER" / 1#( "SUCCESS" / "FAILURE" / "DELAY" ), each at most once.
      Notify n;
      bool any = false;
      for (auto word : str::split(v, ',')) {
        bool* flag = nullptr;
        if (str::iequals(word, "NEVER")) flag = &n.never;
        else if (str::iequals(word, "SUCCESS")) flag = &n.success;
        else if (str::iequals(word, "FAILURE")) flag = &n.failure;
        else if (str::iequals(word, "DELAY")) flag = &n.delay;
        if (!flag || *flag) return bad("Bad NOTIFY value");
        *flag = true;
        any = true;
      }
      if (!any || (n.never && (n.success || n.failure || n.delay))) return bad("Bad NOTIFY value");
      out.notify = n;
    } else {
      // RFC 3461 §4.2: ORCPT=addr-type ";" xtext, at most 500 characters.
      if (v.size() > kMaxOrcpt) return bad("ORCPT too long");
      auto semi = v.find(';');
      if (semi == std::string_view::npos || semi == 0) return bad("Bad ORCPT value");
      std::string_view type = v.substr(0, semi);
      for (unsigned char c : type) {
        bool atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                     c == '_' || c == '.' || c == '+';
        if (!atext) return bad("Bad ORCPT address type");
      }
      auto d = xtext_decode(v.substr(semi + 1));
      if (!d || d->empty()) return bad("Bad xtext in ORCPT");
      out.orcpt = Orcpt{std::string(type), std::move(*d)};
    }
  }
  return std::nullopt;
}

}  // namespace postamt::smtp::protocol
