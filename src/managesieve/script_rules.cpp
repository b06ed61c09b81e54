// Script validation and quotas for PUTSCRIPT, CHECKSCRIPT and HAVESPACE (RFC 5804 §1.5, §2.5, §2.6, §2.12).
#include "managesieve/script_rules.hpp"

#include <variant>
#include <vector>

#include "managesieve/response.hpp"
#include "sieve/sieve.hpp"

namespace postamt::managesieve {

std::optional<Refusal> space_refusal(const ScriptLimits& limits, std::size_t size, bool replaces, std::size_t count) {
  if (size > limits.max_script_size)
    return Refusal{"Script too large: " + std::to_string(size) + " octets, the limit is " +
                       std::to_string(limits.max_script_size),
                   code::kQuotaMaxSize};
  if (!replaces && count >= limits.max_scripts)
    return Refusal{"Too many scripts: the limit is " + std::to_string(limits.max_scripts) +
                       "; delete or replace one",
                   code::kQuotaMaxScripts};
  return std::nullopt;
}

std::optional<std::string> script_errors(std::string_view source) {
  // The options delivery uses (delivery/sieve_run.cpp), so an accepted script is one that runs.
  auto compiled = sieve::compile(source);
  const auto* errors = std::get_if<std::vector<sieve::Error>>(&compiled);
  if (!errors) return std::nullopt;
  std::string out;
  for (const auto& e : *errors) {
    if (!out.empty()) out += "\r\n";
    out += "line " + std::to_string(e.line) + ", column " + std::to_string(e.column) + ": " + e.message;
  }
  if (out.empty()) out = "The script is not valid";
  return out;
}

}  // namespace postamt::managesieve
