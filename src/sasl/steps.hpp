// Small constructors for Step values and the limits shared by the mechanisms (internal to sasl/).
#pragma once
#include <string>

#include "sasl/mechanism.hpp"

namespace postamt::sasl {

// Longest authcid / authzid accepted (RFC 4616 §2: servers MUST accept at least 255 octets).
inline constexpr std::size_t kMaxIdentity = 1024;

inline Step more(std::string challenge) { return Step{Step::State::Continue, std::move(challenge), {}}; }
inline Step success(std::string data = {}) { return Step{Step::State::Success, std::move(data), {}}; }
inline Step failure(std::string reason) { return Step{Step::State::Failure, {}, std::move(reason)}; }

}  // namespace postamt::sasl
