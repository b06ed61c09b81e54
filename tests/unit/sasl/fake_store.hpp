// A CredentialStore for sasl tests: users with a plaintext password and, optionally, SCRAM secrets.
#pragma once
#include <map>
#include <string>

#include "sasl/mechanism.hpp"
#include "sasl/scram_secret.hpp"

namespace postamt::sasl::test {

class FakeStore : public CredentialStore {
 public:
  void add(std::string user, std::string password, bool with_scram = true, std::string salt = "0123456789abcdef",
           std::uint32_t iterations = 4096) {
    if (with_scram) scram_[user] = derive_scram_sha256(password, salt, iterations);
    passwords_[std::move(user)] = std::move(password);
  }
  void set_scram(std::string user, ScramCredentials c) { scram_[std::move(user)] = std::move(c); }

  bool verify_plain(std::string_view authcid, std::string_view password) override {
    ++plain_calls;
    auto it = passwords_.find(std::string(authcid));
    return it != passwords_.end() && it->second == password;
  }
  std::optional<ScramCredentials> scram_sha256(std::string_view authcid) override {
    ++scram_calls;
    auto it = scram_.find(std::string(authcid));
    if (it == scram_.end()) return std::nullopt;
    return it->second;
  }

  int plain_calls = 0;
  int scram_calls = 0;

 private:
  std::map<std::string, std::string> passwords_;
  std::map<std::string, ScramCredentials> scram_;
};

}  // namespace postamt::sasl::test
