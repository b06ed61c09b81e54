// DKIM verification (RFC 6376 §6): each signature is checked on its own (§6.1.1 field checks, §6.1.2
// key lookup and key record checks, §6.1.3 body hash then header hash); results per RFC 8601 §2.7.1.
#include <ctime>

#include "common/strings.hpp"
#include "mailauth/dkim/dkim.hpp"
#include "mailauth/dkim/signature.hpp"

namespace postamt::mailauth::dkim {
namespace {

Verification check_one(const Message& m, std::size_t field_index, Resolver& resolver, std::int64_t now) {
  Verification v;
  auto done = [&](Result r, std::string reason) {
    v.result = r;
    v.reason = std::move(reason);
    return v;
  };
  const HeaderField& field = m.fields[field_index];
  std::string error;
  auto sig = parse_signature(field.value(), &error);
  if (!sig) return done(Result::PermError, error);
  v.domain = sig->domain;
  v.selector = sig->selector;
  v.identity = sig->identity;
  v.algorithm = sig->algorithm_name;
  v.b_prefix = sig->b_text.substr(0, 8);
  if (sig->expiration && static_cast<std::int64_t>(*sig->expiration) < now)
    return done(Result::PermError, "signature expired");  // §3.5 x=

  // §6.1.2: the key from <selector>._domainkey.<domain>.
  std::string name = sig->selector + "._domainkey." + sig->domain;
  auto txt = resolver.txt(name);
  if (txt.status == DnsStatus::TempFail) return done(Result::TempError, "key lookup failed temporarily");
  if (!txt.ok()) return done(Result::PermError, "no key for signature at " + name);
  auto key = parse_key_record(txt.records.front(), &error);
  if (!key) return done(Result::PermError, error);
  v.testing = key->testing;
  if (key->public_key.empty()) return done(Result::PermError, "key revoked");
  std::string expected_type = sig->algorithm == Algorithm::RsaSha256 ? "rsa" : "ed25519";
  if (key->key_type != expected_type)
    return done(Result::PermError, "key type k=" + key->key_type + " does not match a=" + sig->algorithm_name);
  if (!key->hashes.empty()) {
    bool ok = false;
    for (const auto& h : key->hashes) ok |= h == "sha256";
    if (!ok) return done(Result::PermError, "key record h= does not allow sha256");
  }
  if (!key->service_types.empty()) {
    bool ok = false;
    for (const auto& s : key->service_types) ok |= s == "*" || s == "email";
    if (!ok) return done(Result::PermError, "key record is not for email");
  }
  if (key->strict_identity) {
    std::string idom = str::to_lower(std::string_view(sig->identity).substr(sig->identity.rfind('@') + 1));
    if (idom != sig->domain) return done(Result::PermError, "key requires i= domain to equal d= (t=s)");
  }
  auto pkey = load_public_key(sig->algorithm, key->public_key);
  if (!pkey) return done(Result::PermError, "key record p= is not a valid public key");
  if (sig->algorithm == Algorithm::RsaSha256 && key_bits(pkey.get()) < 1024)
    return done(Result::PermError, "RSA key shorter than 1024 bits (RFC 8301)");

  // §6.1.3: body hash first (cheap to report), then the header hash.
  std::string body = canonical_body(m.body(), sig->body_canon);
  if (sig->body_length) {
    if (*sig->body_length > body.size()) return done(Result::Fail, "l= is longer than the body");
    body.resize(*sig->body_length);
  }
  if (sha256(body) != sig->body_hash) return done(Result::Fail, "body hash mismatch");

  std::string input;
  std::vector<bool> used(m.fields.size(), false);
  used[field_index] = true;  // the signature field itself is never one of the h= instances it covers
  for (const auto& name : sig->headers) {
    for (std::size_t i = m.fields.size(); i-- > 0;) {  // §5.4.2: last unused instance first
      if (used[i] || !str::iequals(m.fields[i].name, name)) continue;
      used[i] = true;
      input += canonical_header(m.fields[i].raw, sig->header_canon);
      break;
    }  // a name with no instance left contributes nothing (§5.4)
  }
  std::string self = canonical_header(without_b_value(field.raw), sig->header_canon);
  self.resize(self.size() - 2);
  input += self;
  if (!dkim::verify(sig->algorithm, pkey.get(), input, sig->signature))
    return done(Result::Fail, "signature did not verify");
  return done(Result::Pass, "");
}

}  // namespace

const char* to_string(Result r) {
  switch (r) {
    case Result::Pass: return "pass";
    case Result::Fail: return "fail";
    case Result::Neutral: return "neutral";
    case Result::TempError: return "temperror";
    case Result::PermError: return "permerror";
  }
  return "permerror";
}

std::vector<Verification> verify(const Message& message, Resolver& resolver, const VerifyOptions& opts) {
  std::int64_t now = opts.now >= 0 ? opts.now : static_cast<std::int64_t>(std::time(nullptr));
  std::vector<Verification> out;
  for (std::size_t i = 0; i < message.fields.size() && out.size() < opts.max_signatures; ++i)
    if (str::iequals(message.fields[i].name, "DKIM-Signature")) out.push_back(check_one(message, i, resolver, now));
  return out;
}

std::string key_record_value(EVP_PKEY* key) {
  Algorithm alg = key_algorithm(key);
  return std::string("v=DKIM1; k=") + (alg == Algorithm::RsaSha256 ? "rsa" : "ed25519") +
         "; p=" + public_key_record_value(key);
}

GeneratedKey generate(Algorithm alg, std::string_view domain, std::string_view selector, int rsa_bits) {
  Key key = generate_key(alg, rsa_bits);
  GeneratedKey g;
  g.private_key_pem = private_key_pem(key.get());
  g.record_name = std::string(selector) + "._domainkey." + std::string(domain);
  g.record_value = key_record_value(key.get());
  return g;
}

}  // namespace postamt::mailauth::dkim
