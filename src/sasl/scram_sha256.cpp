// SCRAM-SHA-256 server state machine (RFC 5802 §5, §7; RFC 7677): client-first -> server-first
// (nonce, salt, iterations) -> client-final (channel binding, nonce, proof) -> server-final (v=).
#include "sasl/scram_sha256.hpp"

#include <stdexcept>

#include "common/strings.hpp"
#include "sasl/base64.hpp"
#include "sasl/crypto.hpp"
#include "sasl/scram_secret.hpp"
#include "sasl/steps.hpp"
#include "sasl/utf8.hpp"

namespace postamt::sasl {
namespace {

constexpr std::size_t kServerNonceBytes = 18;  // 24 base64 characters

// RFC 5802 §7: printable = %x21-2B / %x2D-7E (printable ASCII except ',').
bool printable(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x21 || c > 0x7E || c == ',') return false;
  }
  return true;
}

// RFC 5802 §5.1: ',' and '=' in names are sent as "=2C" and "=3D"; any other '=' MUST fail.
std::optional<std::string> unescape_saslname(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out.push_back(in[i]);
      continue;
    }
    std::string_view code = in.substr(i + 1, 2);
    if (code == "2C") out.push_back(',');
    else if (code == "3D") out.push_back('=');
    else return std::nullopt;
    i += 2;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

// RFC 5802 §7: attr-val = ALPHA "=" value (value non-empty). Optional extensions are ignored.
bool attr_val(std::string_view a) {
  if (a.size() < 3 || a[1] != '=') return false;
  char c = a[0];
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A server-side key unknown to any client: made-up users fail the proof check.
const std::string& process_secret() {
  static const std::string secret = crypto::random_bytes(32);
  return secret;
}

// Credentials for an unknown user: the salt is derived from the name so that asking twice shows the
// same salt, as it would for a real account.
ScramCredentials fake_credentials(std::string_view username) {
  ScramCredentials c;
  std::string seed = "postamt-scram-fake-salt:";
  seed += username;
  c.salt = crypto::hmac_sha256(process_secret(), seed).substr(0, kScramSaltSize);
  c.iterations = kScramDefaultIterations;
  c.stored_key = crypto::random_bytes(crypto::kSha256Size);
  c.server_key = crypto::random_bytes(crypto::kSha256Size);
  return c;
}

bool usable(const std::optional<ScramCredentials>& c) {
  return c && !c->salt.empty() && c->iterations > 0 && c->stored_key.size() == crypto::kSha256Size &&
         c->server_key.size() == crypto::kSha256Size;
}

bool well_formed_text(std::string_view s) {
  return s.find('\0') == std::string_view::npos && valid_utf8(s);
}

}  // namespace

ScramSha256::ScramSha256(CredentialStore& store, std::string server_nonce)
    : store_(store), server_nonce_(std::move(server_nonce)) {
  if (!server_nonce_.empty() && !printable(server_nonce_))
    throw std::invalid_argument("SCRAM server nonce must be printable ASCII without ','");
}

Step ScramSha256::start(std::optional<std::string_view> initial_response) {
  if (phase_ != Phase::Start) {
    phase_ = Phase::Done;
    return failure("SCRAM-SHA-256: start called twice");
  }
  // SCRAM is client-first (RFC 5802 §5.2); without an initial response ask with an empty challenge.
  if (initial_response && !initial_response->empty()) return client_first(*initial_response);
  phase_ = Phase::AwaitClientFirst;
  return more({});
}

Step ScramSha256::step(std::string_view response) {
  switch (phase_) {
    case Phase::AwaitClientFirst: return client_first(response);
    case Phase::AwaitClientFinal: return client_final(response);
    case Phase::Start:
    case Phase::Done: break;
  }
  phase_ = Phase::Done;
  return failure("SCRAM-SHA-256: unexpected response");
}

Step ScramSha256::client_first(std::string_view msg) {
  phase_ = Phase::Done;  // until the message proves good
  if (msg.size() > kMaxResponse) return failure("SCRAM-SHA-256: client-first-message too long");
  if (!well_formed_text(msg)) return failure("SCRAM-SHA-256: client-first-message is not UTF-8 text");

  // gs2-header = gs2-cbind-flag "," [ authzid ] ","
  auto comma1 = msg.find(',');
  if (comma1 == std::string_view::npos) return failure("SCRAM-SHA-256: malformed gs2 header");
  std::string_view flag = msg.substr(0, comma1);
  if (flag.starts_with("p=")) return failure("SCRAM-SHA-256: channel binding requested but not supported");
  // "y": the client supports channel binding but thinks we do not, which is true (RFC 5802 §6).
  if (flag != "n" && flag != "y") return failure("SCRAM-SHA-256: bad gs2-cbind-flag");
  auto comma2 = msg.find(',', comma1 + 1);
  if (comma2 == std::string_view::npos) return failure("SCRAM-SHA-256: malformed gs2 header");
  std::string_view authzid = msg.substr(comma1 + 1, comma2 - comma1 - 1);
  if (!authzid.empty()) {
    if (!authzid.starts_with("a=")) return failure("SCRAM-SHA-256: malformed authzid");
    auto decoded = unescape_saslname(authzid.substr(2));
    if (!decoded) return failure("SCRAM-SHA-256: malformed authzid");
    authzid_ = std::move(*decoded);
  }
  gs2_header_ = std::string(msg.substr(0, comma2 + 1));
  client_first_bare_ = std::string(msg.substr(comma2 + 1));

  // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
  auto attrs = str::split(client_first_bare_, ',');
  if (!attrs.empty() && attrs[0].starts_with("m="))
    return failure("SCRAM-SHA-256: mandatory extension not supported");  // RFC 5802 §5.1 "m"
  if (attrs.size() < 2 || !attrs[0].starts_with("n=") || !attrs[1].starts_with("r="))
    return failure("SCRAM-SHA-256: malformed client-first-message");
  for (std::size_t i = 2; i < attrs.size(); ++i)
    if (!attr_val(attrs[i])) return failure("SCRAM-SHA-256: malformed extension");
  auto username = unescape_saslname(attrs[0].substr(2));
  if (!username || username->size() > kMaxIdentity) return failure("SCRAM-SHA-256: invalid username encoding");
  std::string_view client_nonce = attrs[1].substr(2);
  if (!printable(client_nonce)) return failure("SCRAM-SHA-256: invalid client nonce");
  username_ = std::move(*username);
  if (authzid_.size() > kMaxIdentity ||
      (!authzid_.empty() && !str::iequals(authzid_, username_)))
    return failure("SCRAM-SHA-256: authorization identity differs from authentication identity");

  auto stored = store_.scram_sha256(username_);
  real_user_ = usable(stored);
  credentials_ = real_user_ ? std::move(*stored) : fake_credentials(username_);

  nonce_ = std::string(client_nonce);
  nonce_ += server_nonce_.empty() ? base64_encode(crypto::random_bytes(kServerNonceBytes)) : server_nonce_;
  // server-first-message = nonce "," salt "," iteration-count
  server_first_ = "r=" + nonce_ + ",s=" + base64_encode(credentials_.salt) + ",i=" +
                  std::to_string(credentials_.iterations);
  phase_ = Phase::AwaitClientFinal;
  return more(server_first_);
}

Step ScramSha256::client_final(std::string_view msg) {
  phase_ = Phase::Done;
  if (msg.size() > kMaxResponse) return failure("SCRAM-SHA-256: client-final-message too long");
  if (!well_formed_text(msg)) return failure("SCRAM-SHA-256: client-final-message is not UTF-8 text");

  // client-final-message = channel-binding "," nonce ["," extensions] "," proof
  auto proof_at = msg.rfind(",p=");
  if (proof_at == std::string_view::npos) return failure("SCRAM-SHA-256: missing proof");
  std::string_view without_proof = msg.substr(0, proof_at);
  std::string_view proof_b64 = msg.substr(proof_at + 3);
  auto attrs = str::split(without_proof, ',');
  if (attrs.size() < 2 || !attrs[0].starts_with("c=") || !attrs[1].starts_with("r="))
    return failure("SCRAM-SHA-256: malformed client-final-message");
  for (std::size_t i = 2; i < attrs.size(); ++i)
    if (!attr_val(attrs[i])) return failure("SCRAM-SHA-256: malformed extension");

  // RFC 5802 §6: the server MUST validate c=; without channel binding it is exactly the gs2 header.
  auto cbind = base64_decode(attrs[0].substr(2));
  if (!cbind || *cbind != gs2_header_) return failure("SCRAM-SHA-256: channel binding data does not match");
  if (attrs[1].substr(2) != nonce_) return failure("SCRAM-SHA-256: nonce mismatch");
  auto proof = base64_decode(proof_b64);
  if (!proof || proof->size() != crypto::kSha256Size) return failure("SCRAM-SHA-256: malformed proof");

  // RFC 5802 §3: AuthMessage, ClientSignature, ClientKey = ClientProof XOR ClientSignature,
  // and the check H(ClientKey) == StoredKey (constant time).
  std::string auth_message = client_first_bare_ + "," + server_first_ + "," + std::string(without_proof);
  std::string client_key = crypto::hmac_sha256(credentials_.stored_key, auth_message);
  for (std::size_t i = 0; i < client_key.size(); ++i) client_key[i] = static_cast<char>(client_key[i] ^ (*proof)[i]);
  bool ok = crypto::constant_time_equal(crypto::sha256(client_key), credentials_.stored_key);
  crypto::cleanse(client_key);
  if (!real_user_) return failure("SCRAM-SHA-256: unknown user or no SCRAM secret stored");
  if (!ok) return failure("SCRAM-SHA-256: invalid proof");
  // server-final-message = verifier (v=base64(ServerSignature))
  return success("v=" + base64_encode(crypto::hmac_sha256(credentials_.server_key, auth_message)));
}

}  // namespace postamt::sasl
