// IMAP BODY and BODYSTRUCTURE (RFC 3501 §7.4.2 and §9 "body", RFC 9051 §7.5.2): basic fields,
// message/rfc822 envelope + nested body + lines, text lines, and the extension data.
#include "common/strings.hpp"
#include "mime/imap_string.hpp"
#include "mime/message.hpp"

namespace postamt::mime {
namespace {

bool plain_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c >= 0x7F) return false;
  return true;
}

// RFC 2231 §7 attribute-char: everything else is %XX encoded.
std::string pct_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool ok = c > 0x20 && c < 0x7F && std::string_view("*'%()<>@,;:\\\"/[]?=").find(static_cast<char>(c)) ==
                                          std::string_view::npos;
    if (ok) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

// body-fld-param: ("NAME" "value" ...) or NIL. RFC 2231 values that are not plain ASCII are
// sent re-encoded as name*="utf-8'lang'%XX" (as Dovecot does), so the string stays 7-bit.
void append_params(std::string& out, const std::vector<Param>& params, bool default_charset) {
  if (params.empty() && !default_charset) {
    out += "NIL";
    return;
  }
  out += '(';
  bool first = true;
  auto sep = [&] {
    if (!first) out += ' ';
    first = false;
  };
  if (default_charset) {  // RFC 2046 §4.1.2: text defaults to charset=us-ascii
    sep();
    out += "\"CHARSET\" \"US-ASCII\"";
  }
  for (const auto& p : params) {
    sep();
    if (p.extended && !plain_ascii(p.value)) {
      append_imap_string(out, str::to_upper(p.name) + "*");
      out += ' ';
      append_imap_string(out, "utf-8'" + p.language + "'" + pct_encode(p.value));
    } else {
      append_imap_string(out, str::to_upper(p.name));
      out += ' ';
      append_imap_string(out, p.value);
    }
  }
  out += ')';
}

// body-fld-dsp SP body-fld-lang SP body-fld-loc (shared by both kinds of extension data)
void append_dsp_lang_loc(std::string& out, const Part& p) {
  if (p.disposition.empty()) {
    out += "NIL";
  } else {
    out += '(';
    append_imap_string(out, str::to_upper(p.disposition));
    out += ' ';
    append_params(out, p.disposition_params, false);
    out += ')';
  }
  out += ' ';
  if (p.language.empty()) {
    out += "NIL";
  } else {
    out += '(';
    for (std::size_t i = 0; i < p.language.size(); ++i) {
      if (i) out += ' ';
      append_imap_string(out, p.language[i]);
    }
    out += ')';
  }
  out += ' ';
  append_imap_nstring(out, p.location);
}

void append_part(std::string& out, std::string_view raw, const Part& p, bool ext);

void append_multipart(std::string& out, std::string_view raw, const Part& p, bool ext) {
  out += '(';
  if (p.children.empty()) {
    // body-type-mpart needs 1*body; a multipart without parts gets an empty text part (as Dovecot)
    out += "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0";
    if (ext) out += " NIL NIL NIL NIL";
    out += ')';
  }
  for (const auto& c : p.children) append_part(out, raw, c, ext);
  out += ' ';
  append_imap_string(out, str::to_upper(p.subtype));
  if (ext) {  // body-ext-mpart
    out += ' ';
    append_params(out, p.params, false);
    out += ' ';
    append_dsp_lang_loc(out, p);
  }
  out += ')';
}

void append_part(std::string& out, std::string_view raw, const Part& p, bool ext) {
  if (p.is_multipart()) return append_multipart(out, raw, p, ext);
  bool text = p.type == "text";
  out += '(';
  append_imap_string(out, str::to_upper(p.type));
  out += ' ';
  append_imap_string(out, str::to_upper(p.subtype));
  out += ' ';
  append_params(out, p.params, text && !p.param("charset"));
  out += ' ';
  append_imap_nstring(out, p.id);
  out += ' ';
  append_imap_nstring(out, p.description);
  out += ' ';
  append_imap_string(out, str::to_upper(p.encoding));
  out += ' ';
  out += std::to_string(p.body_end - p.body_begin);
  if (p.is_message()) {  // body-type-msg: envelope SP body SP body-fld-lines
    out += ' ';
    out += envelope(raw, p.children[0]);
    out += ' ';
    append_part(out, raw, p.children[0], ext);
    out += ' ';
    out += std::to_string(p.body_lines);
  } else if (text) {  // body-type-text: body-fld-lines
    out += ' ';
    out += std::to_string(p.body_lines);
  }
  if (ext) {  // body-ext-1part
    out += ' ';
    append_imap_nstring(out, p.md5);
    out += ' ';
    append_dsp_lang_loc(out, p);
  }
  out += ')';
}

}  // namespace

std::string body_structure(std::string_view raw, const Part& part, bool extended) {
  std::string out;
  append_part(out, raw, part, extended);
  return out;
}

std::string body_structure(std::string_view raw, const Message& m, bool extended) {
  return body_structure(raw, m.root, extended);
}

}  // namespace postamt::mime
