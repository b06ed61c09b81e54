// SCRAM-SHA-256 secret derivation (RFC 5802 §3) and its Dovecot-compatible text form.
#include "sasl/scram_secret.hpp"

#include <charconv>
#include <climits>

#include "common/strings.hpp"
#include "sasl/base64.hpp"
#include "sasl/crypto.hpp"

namespace postamt::sasl {

ScramCredentials derive_scram_sha256(std::string_view password, std::string_view salt, std::uint32_t iterations) {
  std::string salted = crypto::pbkdf2_sha256(password, salt, iterations);
  std::string client_key = crypto::hmac_sha256(salted, "Client Key");
  ScramCredentials out;
  out.salt = std::string(salt);
  out.iterations = iterations;
  out.stored_key = crypto::sha256(client_key);
  out.server_key = crypto::hmac_sha256(salted, "Server Key");
  crypto::cleanse(salted);
  crypto::cleanse(client_key);
  return out;
}

ScramCredentials generate_scram_sha256(std::string_view password, std::uint32_t iterations) {
  return derive_scram_sha256(password, crypto::random_bytes(kScramSaltSize), iterations);
}

std::string scram_sha256_to_string(const ScramCredentials& c) {
  std::string out(kScramSha256Scheme);
  out += std::to_string(c.iterations);
  out += ',';
  out += base64_encode(c.salt);
  out += ',';
  out += base64_encode(c.stored_key);
  out += ',';
  out += base64_encode(c.server_key);
  return out;
}

std::optional<ScramCredentials> parse_scram_sha256(std::string_view text) {
  if (text.size() > 1024 || !str::istarts_with(text, kScramSha256Scheme)) return std::nullopt;
  auto fields = str::split(text.substr(kScramSha256Scheme.size()), ',');
  if (fields.size() != 4) return std::nullopt;
  ScramCredentials c;
  std::string_view iter = fields[0];
  if (iter.empty() || iter[0] == '0') return std::nullopt;
  auto [end, ec] = std::from_chars(iter.data(), iter.data() + iter.size(), c.iterations);
  if (ec != std::errc{} || end != iter.data() + iter.size() || c.iterations > static_cast<std::uint32_t>(INT_MAX))
    return std::nullopt;
  auto salt = base64_decode(fields[1]);
  auto stored = base64_decode(fields[2]);
  auto server = base64_decode(fields[3]);
  if (!salt || salt->empty() || !stored || stored->size() != crypto::kSha256Size || !server ||
      server->size() != crypto::kSha256Size)
    return std::nullopt;
  c.salt = std::move(*salt);
  c.stored_key = std::move(*stored);
  c.server_key = std::move(*server);
  return c;
}

}  // namespace postamt::sasl
