// DKIM: canonicalization (RFC 6376 §3.4.5 examples), the signed message of RFC 8463 Appendix A
// (both signatures), sign/verify round trips for both algorithms, and the failure reasons.
#include <gtest/gtest.h>

#include "mailauth/dkim/dkim.hpp"
#include "mailauth/dkim/signature.hpp"
#include "mailauth/dkim/tag_list.hpp"
#include "mailauth/static_resolver.hpp"

namespace postamt::mailauth::dkim {
namespace {

// RFC 8463 §A.1 / §A.2 / §A.3.
const char* kEd25519Seed = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
const char* kRsaPem =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi\n"
    "Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM\n"
    "KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB\n"
    "AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm\n"
    "6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe\n"
    "zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy\n"
    "6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc\n"
    "uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy\n"
    "WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd\n"
    "WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a\n"
    "licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst\n"
    "o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe\n"
    "uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL\n"
    "-----END RSA PRIVATE KEY-----\n";
const char* kEdRecord = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const char* kRsaRecord =
    "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR"
    "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC"
    "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3"
    "Ip3G+2kryOTIKT+l/K4w3QIDAQAB";
const char* kRfc8463Message =
    "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
    " d=football.example.com; i=@football.example.com;\r\n"
    " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
    " subject : date : message-id : from : subject : date;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n"
    " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
    " d=football.example.com; i=@football.example.com;\r\n"
    " q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n"
    " date : message-id : from : subject : date;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3\r\n"
    " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz\r\n"
    " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=\r\n"
    "From: Joe SixPack <joe@football.example.com>\r\n"
    "To: Suzie Q <suzie@shopping.example.net>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
    "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
    "\r\n"
    "Hi.\r\n"
    "\r\n"
    "We lost the game.  Are you hungry yet?\r\n"
    "\r\n"
    "Joe.\r\n";

StaticResolver football() {
  StaticResolver r;
  r.add_txt("brisbane._domainkey.football.example.com", kEdRecord);
  r.add_txt("test._domainkey.football.example.com", kRsaRecord);
  return r;
}

Message parsed(std::string_view text) {
  auto m = parse_message(text);
  EXPECT_TRUE(m.has_value());
  return m ? *m : Message{};
}

TEST(DkimCanonical, Rfc6376Section345Example) {
  // RFC 6376 §3.4.5: "A: X <SP> \r\n" style example, relaxed.
  EXPECT_EQ(canonical_header("A: X", Canon::Relaxed), "a:X\r\n");
  EXPECT_EQ(canonical_header("B : Y\t\r\n\tZ  ", Canon::Relaxed), "b:Y Z\r\n");
  EXPECT_EQ(canonical_body(" C \r\nD \t E\r\n\r\n\r\n", Canon::Relaxed), " C\r\nD E\r\n");
  EXPECT_EQ(canonical_body(" C \r\nD \t E\r\n\r\n\r\n", Canon::Simple), " C \r\nD \t E\r\n");
  EXPECT_EQ(canonical_header("B : Y\t\r\n\tZ  ", Canon::Simple), "B : Y\t\r\n\tZ  \r\n");
}

TEST(DkimCanonical, EmptyAndUnterminatedBodies) {
  EXPECT_EQ(canonical_body("", Canon::Simple), "\r\n");   // §3.4.3
  EXPECT_EQ(canonical_body("", Canon::Relaxed), "");      // §3.4.4
  EXPECT_EQ(canonical_body("\r\n\r\n", Canon::Relaxed), "");
  EXPECT_EQ(canonical_body("x", Canon::Relaxed), "x\r\n");
  EXPECT_EQ(canonical_body("a\r\n \t \r\nb", Canon::Relaxed), "a\r\n\r\nb\r\n");
}

TEST(DkimTagList, ParsesAndRejects) {
  auto t = parse_tag_list(" v = 1 ;a=rsa-sha256;\r\n b=ab cd; ");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->at("v"), "1");
  EXPECT_EQ(t->at("b"), "ab cd");
  std::string err;
  EXPECT_FALSE(parse_tag_list("a=1; a=2", &err));
  EXPECT_NE(err.find("duplicate"), std::string::npos);
  EXPECT_FALSE(parse_tag_list("a=1;;b=2", &err));
  EXPECT_FALSE(parse_tag_list("novalue", &err));
}

TEST(DkimVerify, Rfc8463AppendixABothSignaturesPass) {
  auto r = football();
  auto results = verify(parsed(kRfc8463Message), r);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].result, Result::Pass) << results[0].reason;
  EXPECT_EQ(results[0].algorithm, "ed25519-sha256");
  EXPECT_EQ(results[0].selector, "brisbane");
  EXPECT_EQ(results[0].b_prefix, "/gCrinpc");
  EXPECT_EQ(results[1].result, Result::Pass) << results[1].reason;
  EXPECT_EQ(results[1].algorithm, "rsa-sha256");
  EXPECT_EQ(results[1].domain, "football.example.com");
}

TEST(DkimVerify, Rfc8463MessageAlteredFails) {
  auto r = football();
  std::string body_changed = kRfc8463Message;
  body_changed.replace(body_changed.find("hungry"), 6, "thirsty");
  auto results = verify(parsed(body_changed), r);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].result, Result::Fail);
  EXPECT_EQ(results[0].reason, "body hash mismatch");

  std::string header_changed = kRfc8463Message;
  header_changed.replace(header_changed.find("dinner"), 6, "lunch!");
  results = verify(parsed(header_changed), r);
  EXPECT_EQ(results[0].result, Result::Fail);
  EXPECT_EQ(results[0].reason, "signature did not verify");
  EXPECT_EQ(results[1].result, Result::Fail);

  // An added From field is caught by the oversigned "from" in h=.
  results = verify(parsed(std::string("From: evil@example.net\r\n") + kRfc8463Message), r);
  EXPECT_EQ(results[0].result, Result::Fail);
}

TEST(DkimVerify, WhitespaceChangesSurviveRelaxed) {
  auto r = football();
  std::string m = kRfc8463Message;
  m.replace(m.find("Subject: Is"), 11, "Subject:   Is");
  m.replace(m.find("the game."), 9, "the game.   ");
  auto results = verify(parsed(m), r);
  EXPECT_EQ(results[0].result, Result::Pass) << results[0].reason;
  EXPECT_EQ(results[1].result, Result::Pass) << results[1].reason;
}

TEST(DkimVerify, KeyProblems) {
  StaticResolver none;
  auto results = verify(parsed(kRfc8463Message), none);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].result, Result::PermError);
  EXPECT_NE(results[0].reason.find("no key"), std::string::npos);

  StaticResolver broken;
  broken.add_tempfail("brisbane._domainkey.football.example.com");
  broken.add_txt("test._domainkey.football.example.com", "v=DKIM1; k=rsa; p=");
  results = verify(parsed(kRfc8463Message), broken);
  EXPECT_EQ(results[0].result, Result::TempError);
  EXPECT_EQ(results[1].result, Result::PermError);
  EXPECT_EQ(results[1].reason, "key revoked");

  StaticResolver swapped;  // an Ed25519 record where an RSA key is expected
  swapped.add_txt("test._domainkey.football.example.com", kEdRecord);
  results = verify(parsed(kRfc8463Message), swapped);
  EXPECT_EQ(results[1].result, Result::PermError);
  EXPECT_NE(results[1].reason.find("does not match"), std::string::npos);
}

TEST(DkimVerify, UnsignedMessageHasNoResults) {
  auto r = football();
  EXPECT_TRUE(verify(parsed("From: a@b.example\r\n\r\nhi\r\n"), r).empty());
}

TEST(DkimSignature, RejectsBadFields) {
  std::string err;
  EXPECT_FALSE(parse_signature("v=1; a=rsa-sha1; b=AAAA; bh=AAAA; d=x.example; h=from; s=s", &err));
  EXPECT_NE(err.find("RFC 8301"), std::string::npos);
  EXPECT_FALSE(parse_signature("v=1; a=rsa-sha256; b=AAAA; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; "
                               "d=x.example; h=to:subject; s=s", &err));
  EXPECT_EQ(err, "h= does not include From");
  EXPECT_FALSE(parse_signature("v=1; a=rsa-sha256; b=AAAA; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; "
                               "d=x.example; h=from; s=s; i=joe@evil.example", &err));
  EXPECT_EQ(err, "i= domain is not within d=");
  EXPECT_FALSE(parse_signature("v=1; a=rsa-sha256; d=x.example; h=from; s=s", &err));
  EXPECT_TRUE(parse_signature("v=1; a=rsa-sha256; b=AAAA; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; "
                              "d=x.example; h=from; s=s; i=joe@sub.x.example", &err))
      << err;
}

TEST(DkimSignature, WithoutBValue) {
  EXPECT_EQ(without_b_value("DKIM-Signature: v=1; bh=abc; b=xyz\r\n uvw; d=x"), "DKIM-Signature: v=1; bh=abc; b=; d=x");
  EXPECT_EQ(without_b_value("DKIM-Signature: b= xyz"), "DKIM-Signature: b=");
}

const char* kPlain =
    "From: Alice <alice@example.org>\r\n"
    "To: bob@example.net\r\n"
    "Subject: round trip\r\n"
    "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
    "Message-ID: <1@example.org>\r\n"
    "\r\n"
    "Hello Bob,\r\n"
    "  some  spacing \t here\r\n"
    "\r\n\r\n";

TEST(DkimSign, RoundTripBothAlgorithms) {
  for (auto alg : {Algorithm::RsaSha256, Algorithm::Ed25519Sha256}) {
    auto key = generate(alg, "example.org", "sel");
    auto pkey = load_private_key(key.private_key_pem);
    SignOptions opts;
    opts.domain = "example.org";
    opts.selector = "sel";
    std::string field = sign(kPlain, pkey.get(), opts);
    EXPECT_TRUE(field.starts_with("DKIM-Signature: v=1; a=")) << field;
    EXPECT_TRUE(field.ends_with("\r\n"));
    for (auto line : {field.substr(0, field.find("\r\n"))}) EXPECT_LE(line.size(), 78u);
    StaticResolver r;
    r.add_txt(key.record_name, key.record_value);
    auto results = verify(parsed(field + kPlain), r);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].result, Result::Pass) << algorithm_name(alg) << ": " << results[0].reason << "\n" << field;
    // Oversigning: a second Subject breaks it.
    results = verify(parsed(field + "Subject: injected\r\n" + kPlain), r);
    EXPECT_EQ(results[0].result, Result::Fail);
  }
}

TEST(DkimSign, Rfc8463KeysSignLikeTheRfc) {
  // Ed25519 is deterministic: signing the RFC's message with its key, time and header list reproduces
  // the body hash of §A.3.
  auto key = load_private_key(kEd25519Seed);
  std::string text = kRfc8463Message;
  text = text.substr(text.find("From:"));
  SignOptions opts;
  opts.domain = "football.example.com";
  opts.selector = "brisbane";
  opts.timestamp = 1528637909;
  std::string field = sign(text, key.get(), opts);
  EXPECT_NE(field.find("bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8="), std::string::npos) << field;
  auto r = football();
  EXPECT_EQ(verify(parsed(field + text), r)[0].result, Result::Pass);
  auto rsa = load_private_key(kRsaPem);
  opts.selector = "test";
  field = sign(text, rsa.get(), opts);
  EXPECT_EQ(verify(parsed(field + text), r)[0].result, Result::Pass);
}

TEST(DkimSign, ExpiredSignatureIsRejected) {
  auto key = load_private_key(kEd25519Seed);
  SignOptions opts;
  opts.domain = "football.example.com";
  opts.selector = "brisbane";
  opts.timestamp = 1000;
  opts.expire_after = 3600;
  std::string field = sign(kPlain, key.get(), opts);
  auto r = football();
  VerifyOptions v;
  v.now = 2000;
  EXPECT_EQ(verify(parsed(field + kPlain), r, v)[0].result, Result::Pass);
  v.now = 5000;
  auto res = verify(parsed(field + kPlain), r, v);
  EXPECT_EQ(res[0].result, Result::PermError);
  EXPECT_EQ(res[0].reason, "signature expired");
}

TEST(DkimSign, Errors) {
  auto key = load_private_key(kEd25519Seed);
  SignOptions opts;
  opts.domain = "example.org";
  opts.selector = "s";
  EXPECT_THROW(sign("To: x@y\r\n\r\nbody\r\n", key.get(), opts), Error);
  EXPECT_THROW(load_private_key("not a key"), Error);
  EXPECT_THROW(load_private_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), Error);
}

}  // namespace
}  // namespace postamt::mailauth::dkim
