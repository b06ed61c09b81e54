// Structured logging: one line per event, key=value, to stderr, with levels and a connection id.
// Never pass a password or message body as a field value.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace postamt::log {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3 };

struct Field {
  std::string_view key;
  std::string value;
  Field(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  template <typename N>
    requires std::is_arithmetic_v<N>
  Field(std::string_view k, N v) : key(k), value(std::to_string(v)) {}
};

void set_level(Level level);
Level level();
// Parses "debug" | "info" | "warn" | "error"; returns false for anything else.
bool parse_level(std::string_view text, Level& out);

// Writes `ts=... level=... event=<event> k=v ...`; values with spaces, quotes or '=' are quoted.
void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});
inline void debug(std::string_view e, std::initializer_list<Field> f = {}) { write(Level::Debug, e, f); }
inline void info(std::string_view e, std::initializer_list<Field> f = {}) { write(Level::Info, e, f); }
inline void warn(std::string_view e, std::initializer_list<Field> f = {}) { write(Level::Warn, e, f); }
inline void error(std::string_view e, std::initializer_list<Field> f = {}) { write(Level::Error, e, f); }

// A logger bound to one connection: every line carries conn=<id> (and proto=<name>).
class ConnectionLog {
 public:
  ConnectionLog(std::uint64_t id, std::string_view protocol);
  std::uint64_t id() const { return id_; }
  void write(Level level, std::string_view event, std::initializer_list<Field> fields = {}) const;
  void debug(std::string_view e, std::initializer_list<Field> f = {}) const { write(Level::Debug, e, f); }
  void info(std::string_view e, std::initializer_list<Field> f = {}) const { write(Level::Info, e, f); }
  void warn(std::string_view e, std::initializer_list<Field> f = {}) const { write(Level::Warn, e, f); }
  void error(std::string_view e, std::initializer_list<Field> f = {}) const { write(Level::Error, e, f); }

 private:
  std::uint64_t id_;
  std::string protocol_;
};

// Process-wide unique connection ids.
std::uint64_t next_connection_id();

}  // namespace postamt::log
