// APOP secrets (RFC 1939 §7): the shared secret APOP digests are made from, per user, in the table
// apop_secrets of DATA/postamt.sqlite (its own migration component "apop"). APOP needs the secret in
// a plaintext-equivalent form, so it is kept apart from the password hash and set only on request.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/sqlite.hpp"

namespace postamt::directory {

inline constexpr const char* kApopComponent = "apop";  // schema_versions component
inline constexpr std::size_t kMaxApopSecret = 1024;

// Creates or upgrades the apop_secrets table (idempotent, cheap when up to date).
void migrate_apop_secrets(sqlite::Database& db);

// Sets (replaces) the secret of user `user_id`. Throws DataError for an empty or over-long secret or
// one containing control characters; the user must exist (foreign key, rows go with the user).
void set_apop_secret(sqlite::Database& db, std::int64_t user_id, std::string_view secret);
// The user's secret, nullopt when none is set.
std::optional<std::string> apop_secret(sqlite::Database& db, std::int64_t user_id);
// Removes the secret; false when there was none.
bool clear_apop_secret(sqlite::Database& db, std::int64_t user_id);
// Whether any user has an APOP secret: APOP (and the greeting's timestamp) is offered only then.
bool apop_enabled(sqlite::Database& db);

}  // namespace postamt::directory
