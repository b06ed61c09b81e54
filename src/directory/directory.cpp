// Domains, users and aliases in DATA/postamt.sqlite (see directory.hpp); resolution is in resolve.cpp.
#include "directory/directory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "common/strings.hpp"
#include "directory/address.hpp"
#include "directory/password.hpp"
#include "directory/schema.hpp"

namespace postamt::directory {
namespace {

// The database holds password hashes: create it 0640 (SQLite gives -wal/-shm the same mode).
void create_private_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd >= 0) ::close(fd);
}

// Lower-cased "local@domain" for a lookup, or nullopt when `address` cannot be an address.
std::optional<std::string> lookup_key(std::string_view address) {
  auto a = parse_recipient(address);
  if (!a) return std::nullopt;
  return str::to_lower(a->local) + "@" + a->domain;
}

User read_user(sqlite::Statement& st) {
  return {st.int64(0), st.text(1), st.text(2), static_cast<std::uint64_t>(st.int64(3))};
}

constexpr const char* kUserColumns = "SELECT id, address, password_hash, quota_bytes FROM users ";

}  // namespace

Directory Directory::open(const std::filesystem::path& data_dir) {
  auto path = data_dir / kFileName;
  create_private_file(path);
  auto db = sqlite::Database::open(path.string());
  sqlite::migrate(db, kComponent, migrations());
  return Directory(std::move(db));
}

std::optional<std::int64_t> Directory::domain_id(std::string_view normalized_name) {
  auto st = db_.prepare("SELECT id FROM domains WHERE name = ?");
  st.bind(1, normalized_name);
  if (!st.step()) return std::nullopt;
  return st.int64(0);
}

void Directory::add_domain(std::string_view name) {
  auto norm = normalize_domain(name);
  if (!norm) throw DataError("invalid domain '" + std::string(name.substr(0, 255)) + "'");
  if (domain_id(*norm)) throw DataError("domain " + *norm + " already exists");
  auto st = db_.prepare("INSERT INTO domains(name) VALUES(?)");
  st.bind(1, *norm).run();
}

bool Directory::remove_domain(std::string_view name) {
  auto norm = normalize_domain(name);
  if (!norm) return false;
  sqlite::Transaction tx(db_);
  auto id = domain_id(*norm);
  if (!id) return false;
  auto count = [&](const char* sql) {
    auto st = db_.prepare(sql);
    st.bind(1, *id);
    st.step();
    return st.int64(0);
  };
  if (auto n = count("SELECT count(*) FROM users WHERE domain_id = ?"); n > 0) {
    throw DataError("domain " + *norm + " still has " + std::to_string(n) + " user(s); delete them first");
  }
  if (auto n = count("SELECT count(DISTINCT source) FROM aliases WHERE domain_id = ?"); n > 0) {
    throw DataError("domain " + *norm + " still has " + std::to_string(n) + " alias(es); delete them first");
  }
  auto st = db_.prepare("DELETE FROM domains WHERE id = ?");
  st.bind(1, *id).run();
  tx.commit();
  return true;
}

std::vector<Domain> Directory::domains() {
  std::vector<Domain> out;
  auto st = db_.prepare("SELECT id, name FROM domains ORDER BY name");
  while (st.step()) out.push_back({st.int64(0), st.text(1)});
  return out;
}

bool Directory::is_local_domain(std::string_view name) {
  auto norm = normalize_domain(name);
  return norm && domain_id(*norm).has_value();
}

User Directory::add_user(std::string_view address, std::string_view password_hash) {
  Address a = parse_address(address);
  std::string key = str::to_lower(a.local) + "@" + a.domain;
  if (password_hash.empty()) throw DataError("empty password hash for " + key);
  sqlite::Transaction tx(db_);
  auto did = domain_id(a.domain);
  if (!did) throw DataError("unknown domain " + a.domain + " (add it with `postamt domain add " + a.domain + "`)");
  if (user_by_address(key)) throw DataError("user " + key + " already exists");
  auto st = db_.prepare("INSERT INTO users(address, domain_id, password_hash) VALUES(?, ?, ?)");
  st.bind(1, key).bind(2, *did).bind(3, password_hash).run();
  User u{db_.last_insert_rowid(), key, std::string(password_hash), 0};
  tx.commit();
  return u;
}

bool Directory::remove_user(std::string_view address) {
  auto key = lookup_key(address);
  if (!key) return false;
  auto st = db_.prepare("DELETE FROM users WHERE address = ?");
  st.bind(1, *key).run();
  return db_.changes() > 0;
}

void Directory::set_password(std::string_view address, std::string_view password_hash) {
  auto key = lookup_key(address);
  if (password_hash.empty()) throw DataError("empty password hash");
  if (key) {
    auto st = db_.prepare("UPDATE users SET password_hash = ?, scram_sha256 = NULL WHERE address = ?");
    st.bind(1, password_hash).bind(2, *key).run();
    if (db_.changes() > 0) return;
  }
  throw NoSuchUser("no such user: " + (key ? *key : std::string(address.substr(0, 254))));
}

void Directory::set_scram_secret(std::string_view address, std::string_view secret) {
  auto key = lookup_key(address);
  if (key) {
    auto st = db_.prepare("UPDATE users SET scram_sha256 = ? WHERE address = ?");
    if (secret.empty())
      st.bind_null(1);
    else
      st.bind(1, secret);
    st.bind(2, *key).run();
    if (db_.changes() > 0) return;
  }
  throw NoSuchUser("no such user: " + (key ? *key : std::string(address.substr(0, 254))));
}

std::optional<std::string> Directory::scram_secret(std::string_view address) {
  auto key = lookup_key(address);
  if (!key) return std::nullopt;
  auto st = db_.prepare("SELECT scram_sha256 FROM users WHERE address = ?");
  st.bind(1, *key);
  if (!st.step() || st.is_null(0)) return std::nullopt;
  return st.text(0);
}

void Directory::set_quota(std::string_view address, std::uint64_t quota_bytes) {
  auto key = lookup_key(address);
  if (key) {
    auto st = db_.prepare("UPDATE users SET quota_bytes = ? WHERE address = ?");
    st.bind(1, quota_bytes).bind(2, *key).run();
    if (db_.changes() > 0) return;
  }
  throw NoSuchUser("no such user: " + (key ? *key : std::string(address.substr(0, 254))));
}

std::optional<User> Directory::user_by_address(std::string_view normalized_address) {
  auto st = db_.prepare(std::string(kUserColumns) + "WHERE address = ?");
  st.bind(1, normalized_address);
  if (!st.step()) return std::nullopt;
  return read_user(st);
}

std::optional<User> Directory::find_user(std::string_view address) {
  auto key = lookup_key(address);
  if (!key) return std::nullopt;
  return user_by_address(*key);
}

std::vector<User> Directory::users(std::string_view domain) {
  std::vector<User> out;
  if (domain.empty()) {
    auto st = db_.prepare(std::string(kUserColumns) + "ORDER BY address");
    while (st.step()) out.push_back(read_user(st));
    return out;
  }
  auto norm = normalize_domain(domain);
  if (!norm) return out;
  auto st = db_.prepare(std::string(kUserColumns) +
                        "WHERE domain_id = (SELECT id FROM domains WHERE name = ?) ORDER BY address");
  st.bind(1, *norm);
  while (st.step()) out.push_back(read_user(st));
  return out;
}

void Directory::add_alias(std::string_view source, std::span<const std::string> targets) {
  Address src = parse_address(source, /*allow_catch_all=*/true);
  std::string key = str::to_lower(src.local) + "@" + src.domain;
  if (targets.empty()) throw DataError("alias " + key + " needs at least one target");
  sqlite::Transaction tx(db_);
  auto did = domain_id(src.domain);
  if (!did) throw DataError("unknown domain " + src.domain + " (add it with `postamt domain add " + src.domain + "`)");
  std::vector<std::string> normalized;
  for (const auto& t : targets) {
    Address a = parse_address(t);
    // Local part case is kept for remote targets (RFC 5321 §2.4); ours are case-insensitive.
    std::string target = (domain_id(a.domain) ? str::to_lower(a.local) : a.local) + "@" + a.domain;
    if (std::find(normalized.begin(), normalized.end(), target) == normalized.end()) normalized.push_back(target);
  }
  auto pos = db_.prepare("SELECT coalesce(max(position), -1) + 1 FROM aliases WHERE source = ?");
  pos.bind(1, key);
  pos.step();
  std::int64_t next = pos.int64(0);
  auto ins = db_.prepare("INSERT OR IGNORE INTO aliases(source, target, position, domain_id) VALUES(?, ?, ?, ?)");
  for (const auto& target : normalized) {
    ins.reset();
    ins.bind(1, key).bind(2, target).bind(3, next++).bind(4, *did).run();
  }
  tx.commit();
}

bool Directory::remove_alias(std::string_view source) {
  std::string key;
  try {
    Address src = parse_address(source, true);
    key = str::to_lower(src.local) + "@" + src.domain;
  } catch (const DataError&) {
    return false;
  }
  auto st = db_.prepare("DELETE FROM aliases WHERE source = ?");
  st.bind(1, key).run();
  return db_.changes() > 0;
}

std::vector<Alias> Directory::aliases() {
  std::vector<Alias> out;
  auto st = db_.prepare("SELECT source, target FROM aliases ORDER BY source, position");
  while (st.step()) {
    std::string source = st.text(0);
    if (out.empty() || out.back().source != source) out.push_back({source, {}});
    out.back().targets.push_back(st.text(1));
  }
  return out;
}

std::optional<std::vector<std::string>> Directory::alias_targets(std::string_view normalized_source) {
  auto st = db_.prepare("SELECT target FROM aliases WHERE source = ? ORDER BY position");
  st.bind(1, normalized_source);
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<Alias> Directory::find_alias(std::string_view source) {
  std::string key;
  if (!source.empty() && source.front() == '@') {
    auto d = normalize_domain(source.substr(1));
    if (!d) return std::nullopt;
    key = "@" + *d;
  } else {
    auto k = lookup_key(source);
    if (!k) return std::nullopt;
    key = *k;
  }
  auto targets = alias_targets(key);
  if (!targets) return std::nullopt;
  return Alias{key, std::move(*targets)};
}

std::optional<User> Directory::authenticate(std::string_view address, std::string_view password) {
  auto user = find_user(address);
  if (!user) {
    (void)hash_password(password.substr(0, 4096));  // same cost as a verification: no user enumeration by timing
    return std::nullopt;
  }
  if (!verify_password(password, user->password_hash)) return std::nullopt;
  return user;
}

}  // namespace postamt::directory
