// DKIM (RFC 6376) signing and verification, rsa-sha256 and ed25519-sha256 (RFC 8463), and key
// generation with the DNS TXT record to publish (§3.6.1).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailauth/dkim/canonical.hpp"
#include "mailauth/dkim/crypto.hpp"
#include "mailauth/message.hpp"
#include "mailauth/resolver.hpp"

namespace postamt::mailauth::dkim {

// Header fields signed when present, each once more than present ("oversigning", RFC 6376 §8.15)
// so that a field added later breaks the signature.
inline const std::vector<std::string> kDefaultSignedHeaders = {
    "from", "to", "cc", "reply-to", "subject", "date", "message-id", "in-reply-to", "references",
    "mime-version", "content-type", "content-transfer-encoding", "sender", "list-unsubscribe"};

struct SignOptions {
  std::string domain, selector;  // d=, s=
  std::vector<std::string> headers = kDefaultSignedHeaders;
  Canon header_canon = Canon::Relaxed, body_canon = Canon::Relaxed;
  std::optional<std::int64_t> timestamp;  // t=; default: now
  std::optional<std::int64_t> expire_after;  // x = t + this many seconds; default: no x=
  std::string identity;                      // i=; default: none (means "@" + d)
};

// Returns the "DKIM-Signature: ..." field, folded, ending in CRLF, to be prepended to the message.
// Throws Error (bad key, message without From, header section too big).
std::string sign(std::string_view message, EVP_PKEY* key, const SignOptions& opts);

// RFC 8601 §2.7.1 result values for one signature.
enum class Result { Pass, Fail, Neutral, TempError, PermError };
const char* to_string(Result r);

struct Verification {
  Result result = Result::PermError;
  std::string reason;  // plain words: "body hash mismatch", "no key for signature", ...
  std::string domain, selector, identity, algorithm;
  std::string b_prefix;  // first 8 characters of b= (RFC 6008 header.b)
  bool testing = false;  // key record t=y
};

struct VerifyOptions {
  std::int64_t now = -1;           // epoch seconds; -1: the current time
  std::size_t max_signatures = 8;  // more DKIM-Signature fields are not evaluated (denial of service)
};

// One Verification per DKIM-Signature field (top first); empty when the message is not signed.
std::vector<Verification> verify(const Message& message, Resolver& resolver, const VerifyOptions& opts = {});

struct GeneratedKey {
  std::string private_key_pem;
  std::string record_name;   // "<selector>._domainkey.<domain>"
  std::string record_value;  // "v=DKIM1; k=rsa; p=..."
};
GeneratedKey generate(Algorithm alg, std::string_view domain, std::string_view selector, int rsa_bits = 2048);
// The TXT value for an existing key ("v=DKIM1; k=ed25519; p=...").
std::string key_record_value(EVP_PKEY* key);

}  // namespace postamt::mailauth::dkim
