// The RFC 5235 spamtest/spamtestplus/virustest values of a message (§3.2.1, §3.2.2, §3.3), read from
// the header fields the [sieve] config names (the scanners' verdicts); modelled on Pigeonhole's settings.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "common/config.hpp"

namespace postamt::delivery {

struct ScannerValues {
  std::string spamtest = "0";          // "0" not tested, "1" clear .. "10" certainly spam
  std::string spamtest_percent = "0";  // "0" clear or not tested .. "100" certainly spam
  std::string virustest = "0";         // "0" not tested, "1" clean .. "5" infected
};

// Pure: `fields` are the message's top-level header fields (name, unfolded value) in order; the first
// field of the configured name counts. A missing field, a value the regex does not match, a score
// that is not a number or a text not in the table leaves that test "not tested" ("0").
ScannerValues scanner_values(const std::vector<std::pair<std::string, std::string>>& fields,
                             const config::SieveConfig& config);

}  // namespace postamt::delivery
