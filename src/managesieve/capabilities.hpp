// The ManageSieve capability list (RFC 5804 §1.7): sent as the greeting, after STARTTLS (§2.2) and for
// CAPABILITY (§2.4). SIEVE comes from the Sieve module's registry, MAXREDIRECTS from its limits.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace postamt::managesieve {

struct CapabilityContext {
  bool tls_active = false;          // SASL mechanisms are offered only over TLS (DESIGN.md)
  bool can_start_tls = false;       // STARTTLS is advertised (a certificate is there, no TLS yet)
  std::optional<std::string> owner; // OWNER after authentication (§1.7: never before)
};

// The capability lines, each "NAME" ["value"] CRLF, without the final OK.
std::string capability_lines(const CapabilityContext& c);

// The Sieve extensions a script may `require` here, space-separated (the SIEVE capability).
std::string sieve_extensions();
// The SASL mechanisms offered on this connection, space-separated ("" before TLS).
std::string sasl_mechanisms(bool tls_active);

}  // namespace postamt::managesieve
