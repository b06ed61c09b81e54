// ManageSieve capabilities (RFC 5804 §1.7, §2.14 UNAUTHENTICATE).
#include "managesieve/capabilities.hpp"

#include "managesieve/response.hpp"
#include "sasl/mechanism.hpp"
#include "sieve/sieve.hpp"

namespace postamt::managesieve {
namespace {

void cap(std::string& out, std::string_view name, const std::optional<std::string>& value = std::nullopt) {
  out += string_token(name);
  if (value) {
    out += ' ';
    out += string_token(*value);
  }
  out += "\r\n";
}

}  // namespace

std::string sieve_extensions() {
  std::string out;
  for (const auto& e : sieve::supported_extensions()) {
    if (!out.empty()) out += ' ';
    out += e;
  }
  return out;
}

std::string sasl_mechanisms(bool tls_active) {
  // Before TLS nothing is offered, not even SCRAM: RFC 5804 §1.7 allows an empty SASL list when
  // STARTTLS is advertised, and every login then happens under TLS.
  if (!tls_active) return {};
  std::string out;
  for (const auto& m : sasl::mechanisms(true)) {
    if (!out.empty()) out += ' ';
    out += m;
  }
  return out;
}

std::string capability_lines(const CapabilityContext& c) {
  std::string out;
  cap(out, "IMPLEMENTATION", "postamt");
  cap(out, "SASL", sasl_mechanisms(c.tls_active));
  cap(out, "SIEVE", sieve_extensions());
  // §1.7: STARTTLS only while it can still be used (not after TLS or authentication).
  if (c.can_start_tls && !c.tls_active && !c.owner) cap(out, "STARTTLS");
  cap(out, "MAXREDIRECTS", std::to_string(sieve::ExecuteLimits{}.max_redirects));
  // No NOTIFY: it is required only with the "enotify" extension (§1.7), which the Sieve module lacks.
  if (c.owner) cap(out, "OWNER", *c.owner);
  cap(out, "UNAUTHENTICATE");
  cap(out, "VERSION", "1.0");
  return out;
}

}  // namespace postamt::managesieve
