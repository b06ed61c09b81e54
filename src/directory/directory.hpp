// The built-in user directory: local domains, users (one mail account each) and aliases in the
// global database DATA/postamt.sqlite, and RFC 5321 recipient resolution (§2.4, §3.6.1, §4.5.1).
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/sqlite.hpp"
#include "directory/errors.hpp"

namespace postamt::directory {

struct Domain {
  std::int64_t id;
  std::string name;
};

struct User {
  std::int64_t id;            // also the store account id; never reused after deletion
  std::string address;        // lower-cased "local@domain"
  std::string password_hash;
  std::uint64_t quota_bytes = 0;  // 0: unlimited
};

struct Alias {
  std::string source;                // "a@d", or catch-all "@d"
  std::vector<std::string> targets;  // local or remote addresses, in the order given
};

struct Resolution {
  enum class Status { Local, UnknownUser, NotLocal } status = Status::UnknownUser;
  std::vector<User> users;           // local mailboxes, deduplicated
  std::vector<std::string> remote;   // alias targets outside our domains (for the outbound queue)
  std::string reason;                // why, when not Local
};

// Alias expansion depth limit (an alias of an alias of ... ).
inline constexpr int kMaxAliasDepth = 10;

// One connection to the global database; not thread-safe (use one per thread or serialise).
class Directory {
 public:
  static Directory open(const std::filesystem::path& data_dir);  // creates/migrates DATA/postamt.sqlite
  static constexpr const char* kFileName = "postamt.sqlite";
  static constexpr const char* kComponent = "directory";        // schema_versions component

  // Domains. add_domain throws DataError for an invalid or existing domain; remove_domain returns
  // false when unknown and throws DataError while users or aliases of the domain exist.
  void add_domain(std::string_view name);
  bool remove_domain(std::string_view name);
  std::vector<Domain> domains();
  bool is_local_domain(std::string_view name);

  // Users. add_user: DataError for an invalid address, unknown domain or existing user.
  User add_user(std::string_view address, std::string_view password_hash);
  bool remove_user(std::string_view address);
  void set_password(std::string_view address, std::string_view password_hash);  // NoSuchUser; clears SCRAM
  // The user's SCRAM-SHA-256 secret in text form (sasl::scram_sha256_to_string); "" clears it.
  void set_scram_secret(std::string_view address, std::string_view secret);       // NoSuchUser
  std::optional<std::string> scram_secret(std::string_view address);              // nullopt: none / no user
  void set_quota(std::string_view address, std::uint64_t quota_bytes);          // NoSuchUser
  std::optional<User> find_user(std::string_view address);                       // case-insensitive
  std::vector<User> users(std::string_view domain = {});                          // by address

  // Aliases. add_alias: the source's domain must be local; adding to an existing source appends the
  // new targets. remove_alias returns false when unknown.
  void add_alias(std::string_view source, std::span<const std::string> targets);
  bool remove_alias(std::string_view source);
  std::vector<Alias> aliases();  // by source
  std::optional<Alias> find_alias(std::string_view source);

  // RFC 5321 recipient -> local users: case-insensitive domain and local part, user+tag@d -> user@d
  // (`delimiter`, '\0' for none), aliases (nested up to kMaxAliasDepth, loops safe), catch-all
  // @domain last; users and remote targets deduplicated. Aliases win over a user of the same address;
  // an alias that leads back to a user's own address delivers to that user (Postfix semantics).
  Resolution resolve(std::string_view recipient, char delimiter = '+');

  // The user when `password` matches; nullopt otherwise (unknown users cost the same time).
  std::optional<User> authenticate(std::string_view address, std::string_view password);

  sqlite::Database& database() { return db_; }

 private:
  explicit Directory(sqlite::Database db) : db_(std::move(db)) {}
  std::optional<std::int64_t> domain_id(std::string_view normalized_name);
  std::optional<User> user_by_address(std::string_view normalized_address);
  std::optional<std::vector<std::string>> alias_targets(std::string_view normalized_source);

  sqlite::Database db_;
  friend struct Expansion;
};

}  // namespace postamt::directory
