// Per-user Sieve script storage in the account index (see sieve_scripts.hpp; RFC 5804 §1.6, §2.8-2.11).
#include "store/sieve_scripts.hpp"

#include <unistd.h>

#include <ctime>

#include "store/account_index.hpp"
#include "store/blob_files.hpp"

namespace postamt::store {

std::optional<std::string> sieve_script_name_error(std::string_view name) {
  if (name.empty()) return "empty script name";
  if (name.size() > SieveScripts::kMaxNameLength) return "script name too long";
  for (unsigned char c : name) {
    // RFC 5804 §1.6: no CTL characters (0x00-0x1F, 0x7F); also no 0x80-0x9F as UTF-8 C1 would need a
    // decoder, so only ASCII controls are checked here.
    if (c < 0x20 || c == 0x7f) return "control character in script name";
  }
  return std::nullopt;
}

namespace {
sqlite::Database open_index(const std::filesystem::path& data_dir, AccountId account) {
  auto path = Layout(data_dir).index_path(account);
  if (::access(path.c_str(), F_OK) != 0) throw NoSuchAccount("no such account " + std::to_string(account));
  return sqlite::Database::open(path.string(), false);
}
void check_name(std::string_view name) {
  if (auto e = sieve_script_name_error(name)) throw Error(*e);
}
}  // namespace

SieveScripts::SieveScripts(const std::filesystem::path& data_dir, AccountId account)
    : SieveScripts(open_index(data_dir, account)) {}

SieveScripts::SieveScripts(sqlite::Database db) : db_(std::move(db)) { index::migrate(db_); }

void SieveScripts::put(std::string_view name, std::string_view source) {
  check_name(name);
  if (source.size() > kMaxScriptSize) throw Error("script exceeds " + std::to_string(kMaxScriptSize) + " octets");
  db_.prepare(
        "INSERT INTO sieve_scripts(name, source, active, updated) VALUES(?, ?, 0, ?) "
        "ON CONFLICT(name) DO UPDATE SET source = excluded.source, updated = excluded.updated")
      .bind(1, name)
      .bind(2, source)
      .bind(3, static_cast<std::int64_t>(std::time(nullptr)))
      .run();
}

std::optional<std::string> SieveScripts::get(std::string_view name) {
  auto st = db_.prepare("SELECT source FROM sieve_scripts WHERE name = ?");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

std::vector<SieveScriptInfo> SieveScripts::list() {
  auto st = db_.prepare("SELECT name, active, length(CAST(source AS BLOB)), updated FROM sieve_scripts ORDER BY name");
  std::vector<SieveScriptInfo> out;
  while (st.step())
    out.push_back({st.text(0), st.int64(1) != 0, static_cast<std::uint64_t>(st.int64(2)), st.int64(3)});
  return out;
}

void SieveScripts::activate(std::string_view name) {
  sqlite::Transaction tx(db_);
  if (!get(name)) throw Error("no such script '" + std::string(name) + "'");
  db_.exec("UPDATE sieve_scripts SET active = 0 WHERE active = 1");
  db_.prepare("UPDATE sieve_scripts SET active = 1 WHERE name = ?").bind(1, name).run();
  tx.commit();
}

void SieveScripts::deactivate() { db_.exec("UPDATE sieve_scripts SET active = 0 WHERE active = 1"); }

void SieveScripts::remove(std::string_view name) {
  sqlite::Transaction tx(db_);
  auto st = db_.prepare("SELECT active FROM sieve_scripts WHERE name = ?");
  st.bind(1, name);
  if (!st.step()) throw Error("no such script '" + std::string(name) + "'");
  if (st.int64(0) != 0) throw Error("script '" + std::string(name) + "' is active");
  st.reset();
  db_.prepare("DELETE FROM sieve_scripts WHERE name = ?").bind(1, name).run();
  tx.commit();
}

void SieveScripts::rename(std::string_view from, std::string_view to) {
  check_name(to);
  sqlite::Transaction tx(db_);
  if (!get(from)) throw Error("no such script '" + std::string(from) + "'");
  if (from != to && get(to)) throw Error("script '" + std::string(to) + "' already exists");
  db_.prepare("UPDATE sieve_scripts SET name = ? WHERE name = ?").bind(1, to).bind(2, from).run();
  tx.commit();
}

std::optional<std::string> SieveScripts::active_name() {
  auto st = db_.prepare("SELECT name FROM sieve_scripts WHERE active = 1");
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

std::optional<std::string> SieveScripts::active_source() {
  auto st = db_.prepare("SELECT source FROM sieve_scripts WHERE active = 1");
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

}  // namespace postamt::store
