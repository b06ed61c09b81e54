// Fuzz target: SASL server mechanisms (RFC 4616 PLAIN, LOGIN, RFC 5802/7677 SCRAM-SHA-256) on
// arbitrary client responses: never a crash, never a Success without the right password.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "sasl/mechanism.hpp"
#include "sasl/response.hpp"
#include "sasl/scram_secret.hpp"

namespace {
class Credentials : public postamt::sasl::CredentialStore {
 public:
  bool verify_plain(std::string_view user, std::string_view password) override {
    return user == "user" && password == "pencil";
  }
  std::optional<ScramCredentials> scram_sha256(std::string_view user) override {
    if (user != "user") return std::nullopt;
    static const auto secret = postamt::sasl::derive_scram_sha256("pencil", "saltsaltsalt", 16);
    return secret;
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Credentials creds;
  (void)postamt::sasl::decode_response(in);
  (void)postamt::sasl::decode_initial_response(in);
  for (const char* name : {"PLAIN", "LOGIN", "SCRAM-SHA-256"}) {
    auto mech = postamt::sasl::create(name, creds);
    if (!mech) std::abort();
    // Split the input into up to three client messages at NUL-free '|' separators.
    std::size_t cut1 = in.find('|');
    std::string_view first = in.substr(0, cut1);
    auto step = mech->start(first);
    std::size_t pos = cut1 == std::string_view::npos ? in.size() : cut1 + 1;
    for (int i = 0; i < 3 && step.state == postamt::sasl::Step::State::Continue && pos <= in.size(); ++i) {
      std::size_t cut = in.find('|', pos);
      step = mech->step(in.substr(pos, cut == std::string_view::npos ? std::string_view::npos : cut - pos));
      pos = cut == std::string_view::npos ? in.size() + 1 : cut + 1;
    }
    if (step.state == postamt::sasl::Step::State::Success && std::string_view(name) != "SCRAM-SHA-256" &&
        in.find("pencil") == std::string_view::npos)
      std::abort();
  }
  return 0;
}
