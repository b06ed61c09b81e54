// Per-user Sieve scripts (RFC 5804 §1.1 model: named scripts, at most one active) kept in the
// account's index database (table sieve_scripts, store migration 2). Plain storage: callers validate.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sqlite.hpp"
#include "store/types.hpp"

namespace postamt::store {

struct SieveScriptInfo {
  std::string name;
  bool active = false;
  std::uint64_t size = 0;
  std::int64_t updated = 0;  // seconds since the epoch
};

class SieveScripts {
 public:
  static constexpr std::size_t kMaxNameLength = 128;     // octets (RFC 5804 §1.6 leaves it to us)
  static constexpr std::size_t kMaxScriptSize = 1 << 20;  // octets

  // Opens DATA/accounts/<id>/index.sqlite; throws NoSuchAccount when the account was never created.
  SieveScripts(const std::filesystem::path& data_dir, AccountId account);
  // On an already open index (tests, the store itself); migrates it.
  explicit SieveScripts(sqlite::Database db);

  // Creates or replaces; keeps the active mark. Throws Error for a bad name or an oversized script.
  void put(std::string_view name, std::string_view source);
  std::optional<std::string> get(std::string_view name);
  std::vector<SieveScriptInfo> list();  // by name
  // Makes `name` the one active script (RFC 5804 §2.8); throws Error when it does not exist.
  void activate(std::string_view name);
  void deactivate();                     // no script active
  // Throws Error when missing or active (RFC 5804 §2.10: the active script cannot be deleted).
  void remove(std::string_view name);
  // Throws Error when `from` is missing or `to` exists; the active mark moves along (RFC 5804 §2.11.1).
  void rename(std::string_view from, std::string_view to);
  std::optional<std::string> active_name();
  std::optional<std::string> active_source();

 private:
  sqlite::Database db_;
};

// RFC 5804 §1.6: a script name is 1..128 octets of UTF-8 without control characters. Returns the
// reason a name is refused, or nullopt.
std::optional<std::string> sieve_script_name_error(std::string_view name);

}  // namespace postamt::store
