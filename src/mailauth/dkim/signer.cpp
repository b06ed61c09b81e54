// DKIM signing (RFC 6376 §5): body hash, header selection with oversigning (§5.4, §8.15), the
// signature field hashed with an empty b= (§3.7), folded output (§3.5: FWS allowed between tags).
#include <ctime>

#include "common/strings.hpp"
#include "mailauth/dkim/dkim.hpp"
#include "mailauth/dkim/signature.hpp"

namespace postamt::mailauth::dkim {
namespace {

// Appends "tag=value;" to the field, starting a new folded line when the current one would pass 76.
void append_tag(std::string& field, std::size_t& line_len, std::string_view tag, bool last = false) {
  if (line_len + tag.size() + 2 > 76) {
    field += "\r\n\t";
    line_len = 8;
  } else {
    field += ' ';
    ++line_len;
  }
  field += tag;
  line_len += tag.size();
  if (!last) {
    field += ';';
    ++line_len;
  }
}

}  // namespace

std::string sign(std::string_view text, EVP_PKEY* key, const SignOptions& opts) {
  if (opts.domain.empty() || opts.selector.empty()) throw Error("DKIM signing needs a domain and a selector");
  std::string parse_error;
  auto message = parse_message(text, &parse_error);
  if (!message) throw Error("cannot sign: " + parse_error);
  if (message->count("From") == 0) throw Error("cannot sign a message without a From field");
  Algorithm alg = key_algorithm(key);
  if (alg == Algorithm::RsaSha256 && key_bits(key) < 1024) throw Error("RSA key shorter than 1024 bits");

  // §5.4: the fields to sign, each present instance plus one (oversigning); From always.
  std::vector<std::string> names;
  for (const auto& h : opts.headers) {
    std::string lower = str::to_lower(h);
    std::size_t n = message->count(lower);
    if (n == 0 && lower != "from") continue;
    for (std::size_t i = 0; i <= n; ++i) names.push_back(lower);
  }

  std::int64_t t = opts.timestamp ? *opts.timestamp : static_cast<std::int64_t>(std::time(nullptr));
  std::string body_hash = base64_encode(sha256(canonical_body(message->body(), opts.body_canon)));
  auto canon_name = [](Canon c) { return c == Canon::Simple ? "simple" : "relaxed"; };

  std::string field = "DKIM-Signature:";
  std::size_t line = field.size();
  append_tag(field, line, "v=1");
  append_tag(field, line, std::string("a=") + algorithm_name(alg));
  append_tag(field, line, std::string("c=") + canon_name(opts.header_canon) + "/" + canon_name(opts.body_canon));
  append_tag(field, line, "d=" + opts.domain);
  append_tag(field, line, "s=" + opts.selector);
  if (!opts.identity.empty()) append_tag(field, line, "i=" + opts.identity);
  append_tag(field, line, "t=" + std::to_string(t));
  if (opts.expire_after) append_tag(field, line, "x=" + std::to_string(t + *opts.expire_after));
  // h=, folded between names when long (FWS is allowed around ':' in h=, §3.5).
  field += line + 3 > 76 ? "\r\n\t" : " ";
  line = line + 3 > 76 ? 8 : line + 1;
  field += "h=";
  line += 2;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string piece = (i ? ":" : "") + names[i];
    if (line + piece.size() + 1 > 76) {
      field += "\r\n\t";
      line = 8;
    }
    field += piece;
    line += piece.size();
  }
  field += ';';
  ++line;
  append_tag(field, line, "bh=" + body_hash);
  field += "\r\n\tb=";

  // §3.7: hash the selected fields (bottom-up instance selection, §5.4.2) then this field with b= empty.
  std::string input;
  std::vector<bool> used(message->fields.size(), false);
  for (const auto& name : names) {
    for (std::size_t i = message->fields.size(); i-- > 0;) {
      if (used[i] || !str::iequals(message->fields[i].name, name)) continue;
      used[i] = true;
      input += canonical_header(message->fields[i].raw, opts.header_canon);
      break;
    }
  }
  std::string self = canonical_header(field, opts.header_canon);
  self.resize(self.size() - 2);  // without its CRLF (§3.7)
  input += self;
  std::string b = base64_encode(sign(alg, key, input));
  for (std::size_t i = 0; i < b.size(); i += 72) {
    if (i) field += "\r\n\t ";
    field += b.substr(i, 72);
  }
  field += "\r\n";
  return field;
}

}  // namespace postamt::mailauth::dkim
