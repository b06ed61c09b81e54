// What ManageSieve checks before storing a script: the compile check with line/column messages
// (RFC 5804 §2.6, §2.12) and the per-user quotas (§1.5, §2.5: QUOTA/MAXSCRIPTS, QUOTA/MAXSIZE).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace postamt::managesieve {

// [managesieve] max_scripts and max_script_size (docs/configuration.md).
struct ScriptLimits {
  std::size_t max_scripts = 32;
  std::size_t max_script_size = 64 * 1024;
};

struct Refusal {
  std::string text;
  std::string_view code;  // a managesieve::code constant
};

// Would storing `size` octets under a name fit? `replaces` is true when a script of that name
// exists (it is overwritten, so the count does not grow); `count` is how many scripts the user has.
std::optional<Refusal> space_refusal(const ScriptLimits& limits, std::size_t size, bool replaces, std::size_t count);

// nullopt when the script compiles exactly as delivery will compile it; else the errors, one per line
// as "line L, column C: message", separated by CRLF (RFC 5804 §2.6: the first error's line number).
std::optional<std::string> script_errors(std::string_view source);

}  // namespace postamt::managesieve
