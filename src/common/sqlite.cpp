// SQLite wrapper and migrations (see sqlite.hpp).
#include "common/sqlite.hpp"

#include <sqlite3.h>

#include <iterator>

namespace postamt::sqlite {
namespace {
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw Error(rc, msg);
}
}  // namespace

bool Error::busy() const {
  int primary = code_ & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

Database Database::open(const std::string& path, bool create) {
  Database d;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &d.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "cannot open database " + path + ": " + (d.db_ ? sqlite3_errmsg(d.db_) : sqlite3_errstr(rc));
    throw Error(rc, msg);
  }
  d.path_ = path;
  d.cache_ = std::make_shared<StatementCache>(kStatementCacheSize);
  sqlite3_extended_result_codes(d.db_, 1);
  sqlite3_busy_timeout(d.db_, 10000);
  d.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  return d;
}

Database::Database(Database&& o) noexcept : db_(o.db_), path_(std::move(o.path_)), cache_(std::move(o.cache_)) {
  o.db_ = nullptr;
}
Database& Database::operator=(Database&& o) noexcept {
  if (this != &o) {
    close();
    db_ = o.db_;
    path_ = std::move(o.path_);
    cache_ = std::move(o.cache_);
    o.db_ = nullptr;
  }
  return *this;
}
Database::~Database() { close(); }

void Database::close() noexcept {
  // Idle statements are finalized now; statements still in use finalize themselves later, and
  // sqlite3_close_v2 keeps the connection as a zombie until they have.
  if (cache_) cache_->close();
  cache_.reset();
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

void Database::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw Error(rc, "sql: " + msg);
  }
}

Statement Database::prepare(std::string_view sql) {
  if (cache_) {
    if (sqlite3_stmt* idle = cache_->take(sql)) return Statement(db_, idle, cache_);
  }
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr);
  if (rc != SQLITE_OK) fail(db_, rc, "prepare");
  // Only a statement compiled from the whole text can be found again by that text; "SELECT 1; SELECT 2"
  // compiles the first part only, and an empty text none at all.
  const char* text = st ? sqlite3_sql(st) : nullptr;
  bool cacheable = cache_ && text && std::string_view(text) == sql;
  return Statement(db_, st, cacheable ? cache_ : nullptr);
}

sqlite3_stmt* StatementCache::take(std::string_view sql) {
  auto it = index_.find(sql);
  if (it == index_.end()) return nullptr;
  auto node = it->second;
  sqlite3_stmt* st = node->st;
  index_.erase(it);
  idle_.erase(node);
  return st;
}

void StatementCache::give(sqlite3_stmt* st) {
  if (closed_ || capacity_ == 0) {
    sqlite3_finalize(st);
    return;
  }
  sqlite3_reset(st);  // its result is the last step's error, already reported
  sqlite3_clear_bindings(st);
  idle_.push_front(Idle{sqlite3_sql(st), st});
  index_.emplace(std::string_view(idle_.front().sql), idle_.begin());
  if (idle_.size() > capacity_) {
    auto last = std::prev(idle_.end());
    auto [from, to] = index_.equal_range(std::string_view(last->sql));
    for (auto i = from; i != to; ++i)
      if (i->second == last) {
        index_.erase(i);
        break;
      }
    sqlite3_finalize(last->st);
    idle_.erase(last);
  }
}

void StatementCache::close() {
  closed_ = true;
  index_.clear();
  for (auto& idle : idle_) sqlite3_finalize(idle.st);
  idle_.clear();
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }

Statement::~Statement() {
  if (!st_) return;
  if (cache_) {
    cache_->give(st_);
  } else {
    sqlite3_finalize(st_);
  }
}

Statement& Statement::bind(int i, std::int64_t v) {
  int rc = sqlite3_bind_int64(st_, i, v);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}
Statement& Statement::bind(int i, double v) {
  int rc = sqlite3_bind_double(st_, i, v);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
  int rc = sqlite3_bind_text64(st_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}
Statement& Statement::bind_blob(int i, std::span<const unsigned char> v) {
  int rc = sqlite3_bind_blob64(st_, i, v.data(), v.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}
Statement& Statement::bind_null(int i) {
  int rc = sqlite3_bind_null(st_, i);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, rc, "step");
}
void Statement::run() {
  while (step()) {
  }
}
void Statement::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

std::int64_t Statement::int64(int col) const { return sqlite3_column_int64(st_, col); }
double Statement::real(int col) const { return sqlite3_column_double(st_, col); }
std::string Statement::text(int col) const {
  auto p = sqlite3_column_text(st_, col);
  int n = sqlite3_column_bytes(st_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}
std::vector<unsigned char> Statement::blob(int col) const {
  auto p = static_cast<const unsigned char*>(sqlite3_column_blob(st_, col));
  int n = sqlite3_column_bytes(st_, col);
  return p ? std::vector<unsigned char>(p, p + n) : std::vector<unsigned char>();
}
bool Statement::is_null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
    }
  }
}
void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

int schema_version(Database& db, std::string_view component) {
  db.exec("CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  auto st = db.prepare("SELECT version FROM schema_versions WHERE component = ?");
  st.bind(1, component);
  return st.step() ? static_cast<int>(st.int64(0)) : 0;
}

int migrate(Database& db, std::string_view component, std::span<const Migration> migrations) {
  int current = schema_version(db, component);
  int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    throw Error(0, "database " + db.path() + " has " + std::string(component) + " schema version " +
                       std::to_string(current) + ", newer than this postamt knows (" + std::to_string(newest) +
                       "); upgrade postamt");
  }
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    Transaction tx(db);
    db.exec(m.sql);
    auto st = db.prepare(
        "INSERT INTO schema_versions(component, version) VALUES(?, ?) "
        "ON CONFLICT(component) DO UPDATE SET version = excluded.version");
    st.bind(1, component).bind(2, m.version).run();
    tx.commit();
    current = m.version;
  }
  return current;
}

}  // namespace postamt::sqlite
