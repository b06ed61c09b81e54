// Assembles the command/test table from every extension file, and the capability list.
#include "sieve/registry.hpp"

namespace postamt::sieve {
namespace detail {

const Registry& registry() {
  static const Registry r = [] {
    Registry x;
    add_core(x);
    add_reject(x);
    add_variables(x);
    add_imap4flags(x);
    add_body(x);
    add_vacation(x);
    add_date(x);
    add_mailbox(x);
    add_duplicate(x);
    add_editheader(x);
    add_environment(x);
    add_include(x);
    add_spamtest(x);
    return x;
  }();
  return r;
}

}  // namespace detail

const std::set<std::string>& supported_extensions() {
  static const std::set<std::string> s = {
      "fileinto", "envelope", "reject", "ereject", "copy", "variables", "imap4flags", "subaddress",
      "relational", "body", "vacation", "vacation-seconds", "date", "index", "mailbox", "duplicate",
      "editheader", "environment", "include", "spamtest", "spamtestplus", "virustest", "regex",
      "encoded-character", "comparator-i;octet", "comparator-i;ascii-casemap", "comparator-i;ascii-numeric"};
  return s;
}

}  // namespace postamt::sieve
