// IMAP character classes from the formal syntax (RFC 9051 §9: ATOM-CHAR, ASTRING-CHAR, tag, list-char).
#pragma once

namespace postamt::imap::protocol {

// ATOM-CHAR = any CHAR except atom-specials: "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]".
constexpr bool is_atom_char(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  if (c <= 0x20 || c >= 0x7f) return false;
  switch (c) {
    case '(': case ')': case '{': case '%': case '*': case '"': case '\\': case ']':
      return false;
    default:
      return true;
  }
}
constexpr bool is_astring_char(char c) { return is_atom_char(c) || c == ']'; }
// tag = 1*<any ASTRING-CHAR except "+">
constexpr bool is_tag_char(char c) { return is_astring_char(c) && c != '+'; }
// list-char = ATOM-CHAR / list-wildcards / resp-specials
constexpr bool is_list_char(char c) { return is_astring_char(c) || c == '%' || c == '*'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace postamt::imap::protocol
