// The DKIM-Signature header field (RFC 6376 §3.5) and the key record (§3.6.1, RFC 8463 §4): parsing
// with the checks of §6.1.1 and §6.1.2, and the "b= value removed" form the hash covers (§3.7).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailauth/dkim/canonical.hpp"
#include "mailauth/dkim/crypto.hpp"

namespace postamt::mailauth::dkim {

struct Signature {
  Algorithm algorithm = Algorithm::RsaSha256;
  std::string algorithm_name;  // a= as written, lower case
  Canon header_canon = Canon::Simple, body_canon = Canon::Simple;
  std::string domain, selector, identity;  // d=, s=, i= (default "@" + d)
  std::vector<std::string> headers;        // h=, lower case, in order
  std::string signature, body_hash;        // b=, bh= decoded
  std::string b_text;                      // b= base64 without FWS (for header.b, RFC 6008)
  std::optional<std::uint64_t> body_length, timestamp, expiration;  // l=, t=, x=
};

// Parses the value of a DKIM-Signature field; nullopt with `error` when it must be ignored as
// PERMFAIL (§6.1.1): syntax, v≠1, missing tag, unknown algorithm, h= without From, i= outside d=.
std::optional<Signature> parse_signature(std::string_view value, std::string* error);

struct KeyRecord {
  std::string key_type = "rsa";  // k=
  std::string public_key;        // p= decoded; empty means revoked (§3.6.1)
  bool testing = false;          // t=y
  bool strict_identity = false;  // t=s: i= domain must equal d= exactly
  std::vector<std::string> hashes;        // h= (empty: any)
  std::vector<std::string> service_types;  // s= (empty: "*")
};

std::optional<KeyRecord> parse_key_record(std::string_view txt, std::string* error);

// `raw` is a whole DKIM-Signature field; returns it with the b= tag's value deleted (§3.7).
std::string without_b_value(std::string_view raw);

// Algorithm names of a= (RFC 6376 §3.3, RFC 8463 §3). False for unsupported ones (rsa-sha1: RFC 8301).
bool parse_algorithm(std::string_view name, Algorithm& out);
const char* algorithm_name(Algorithm a);

}  // namespace postamt::mailauth::dkim
