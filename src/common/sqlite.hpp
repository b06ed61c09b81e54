// Thin RAII wrapper over SQLite 3: connections opened in WAL mode with synchronous=FULL (DESIGN.md
// "Durability"), prepared statements (kept in a per-connection cache keyed by SQL text, so callers
// prepare freely), transactions, and numbered per-component schema migrations.
#pragma once
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace postamt::sqlite {

class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }
  bool busy() const;  // SQLITE_BUSY / SQLITE_LOCKED: retry later (temporary failure)

 private:
  int code_;
};

class Statement;

// Idle prepared statements of one connection, most recently used first, keyed by their SQL text.
// Not thread-safe: like the connection itself (SQLITE_OPEN_NOMUTEX) it is used by one thread at a time.
class StatementCache {
 public:
  explicit StatementCache(std::size_t capacity) : capacity_(capacity) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  ~StatementCache() { close(); }

  // An idle statement compiled from exactly `sql`, now owned by the caller; nullptr when none.
  sqlite3_stmt* take(std::string_view sql);
  // Resets `st`, clears its bindings and keeps it (the least recently used one is finalized when full);
  // finalizes it instead once the cache is closed.
  void give(sqlite3_stmt* st);
  // Finalizes every idle statement; later give()s finalize (the connection is closing).
  void close();
  std::size_t size() const { return idle_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  struct Idle {
    std::string sql;
    sqlite3_stmt* st;
  };
  std::size_t capacity_;
  bool closed_ = false;
  std::list<Idle> idle_;  // front: most recently returned
  std::unordered_multimap<std::string_view, std::list<Idle>::iterator> index_;  // views into idle_'s sql
};

class Database {
 public:
  // Opens (creating if `create`) the file with WAL, synchronous=FULL, foreign_keys=ON and a busy timeout.
  static Database open(const std::string& path, bool create = true);
  Database() = default;
  Database(Database&& o) noexcept;
  Database& operator=(Database&& o) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Idle prepared statements kept per connection (see StatementCache).
  static constexpr std::size_t kStatementCacheSize = 128;

  void exec(std::string_view sql);  // one or more statements, no results
  // A statement for the first SQL statement in `sql`: an idle one compiled from the same text when the
  // cache has one, else newly prepared. On destruction it goes back to the cache (reset, bindings
  // cleared) unless `sql` held more than one statement.
  Statement prepare(std::string_view sql);
  std::size_t cached_statements() const { return cache_ ? cache_->size() : 0; }
  std::int64_t last_insert_rowid() const;
  int changes() const;
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  void close() noexcept;

  sqlite3* db_ = nullptr;
  std::string path_;
  // Shared with the statements handed out, so one that outlives its Database finds the cache closed.
  std::shared_ptr<StatementCache> cache_;
};

class Statement {
 public:
  // `cache`, when set, receives the statement back on destruction instead of finalizing it.
  Statement(sqlite3* db, sqlite3_stmt* st, std::shared_ptr<StatementCache> cache = nullptr)
      : db_(db), st_(st), cache_(std::move(cache)) {}
  Statement(Statement&& o) noexcept : db_(o.db_), st_(o.st_), cache_(std::move(o.cache_)) { o.st_ = nullptr; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();
  sqlite3_stmt* handle() const { return st_; }

  // Binding, 1-based like SQLite. Returns *this for chaining.
  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, std::uint32_t v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, std::uint64_t v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, double v);
  Statement& bind(int i, std::string_view v);  // TEXT
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Statement& bind_blob(int i, std::span<const unsigned char> v);
  Statement& bind_null(int i);
  template <typename T>
  Statement& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  // Steps once: true when a row is available.
  bool step();
  // Steps to completion (for INSERT/UPDATE/DELETE).
  void run();
  void reset();

  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::vector<unsigned char> blob(int col) const;
  bool is_null(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* st_;
  std::shared_ptr<StatementCache> cache_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back if not committed.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

// One numbered migration: applied in order, each inside a transaction, recorded in schema_versions.
struct Migration {
  int version;
  std::string_view sql;
};

// Applies the migrations of `component` newer than the recorded version; returns the resulting version.
// Throws if the database records a version newer than the newest known one (a downgrade).
int migrate(Database& db, std::string_view component, std::span<const Migration> migrations);
int schema_version(Database& db, std::string_view component);

}  // namespace postamt::sqlite
