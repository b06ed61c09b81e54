// Mechanism registry: creation by name and the advertised list (RFC 4422 §3.1 mechanism naming).
#include "sasl/mechanism.hpp"

#include "common/strings.hpp"
#include "sasl/login.hpp"
#include "sasl/plain.hpp"
#include "sasl/scram_sha256.hpp"

namespace postamt::sasl {

std::unique_ptr<Mechanism> create(std::string_view name, CredentialStore& store) {
  if (str::iequals(name, "SCRAM-SHA-256")) return std::make_unique<ScramSha256>(store);
  if (str::iequals(name, "PLAIN")) return std::make_unique<Plain>(store);
  if (str::iequals(name, "LOGIN")) return std::make_unique<Login>(store);
  return nullptr;
}

std::vector<std::string> mechanisms(bool tls_active) {
  if (tls_active) return {"SCRAM-SHA-256", "PLAIN", "LOGIN"};
  return {"SCRAM-SHA-256"};
}

bool is_plaintext(std::string_view name) { return str::iequals(name, "PLAIN") || str::iequals(name, "LOGIN"); }

}  // namespace postamt::sasl
