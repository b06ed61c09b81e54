// Queue storage: message file first (durable), then the rows in one transaction; numbered migrations
// of component "queue" (DESIGN.md "Schema versions").
#include "queue/store.hpp"

#include <openssl/rand.h>

#include <array>
#include <ctime>
#include <stdexcept>
#include <system_error>

#include "common/fs.hpp"
#include "common/strings.hpp"

namespace postamt::queue {
namespace {

constexpr sqlite::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE messages(
  id TEXT PRIMARY KEY,
  sender TEXT NOT NULL,
  envid TEXT NOT NULL DEFAULT '',
  ret TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  smtputf8 INTEGER NOT NULL DEFAULT 0,
  bounce INTEGER NOT NULL DEFAULT 0,
  held INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL,
  size INTEGER NOT NULL);
CREATE TABLE recipients(
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  domain TEXT NOT NULL,
  notify TEXT NOT NULL DEFAULT '',
  orcpt TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL DEFAULT 0,
  last_reply TEXT NOT NULL DEFAULT '',
  remote_mta TEXT NOT NULL DEFAULT '',
  dsn_sent INTEGER NOT NULL DEFAULT 0);
CREATE INDEX recipients_message ON recipients(message_id);
CREATE INDEX recipients_due ON recipients(state, next_attempt);
)sql"},
};

RcptState parse_state(const std::string& s) {
  if (s == "delivered") return RcptState::Delivered;
  if (s == "failed") return RcptState::Failed;
  return RcptState::Pending;
}

}  // namespace

const char* to_string(RcptState s) {
  switch (s) {
    case RcptState::Pending: return "pending";
    case RcptState::Delivered: return "delivered";
    case RcptState::Failed: return "failed";
  }
  return "?";
}

std::string new_queue_id() {
  std::array<unsigned char, 8> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (auto b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

std::string domain_of(std::string_view address) {
  auto at = address.rfind('@');
  if (at == std::string_view::npos) return {};
  return str::to_lower(address.substr(at + 1));
}

QueueStore::QueueStore(std::filesystem::path dir) : dir_(std::move(dir)) {
  fs::create_directories(dir_, 0700);
  fs::create_directories(dir_ / "messages", 0700);
  db_ = sqlite::Database::open((dir_ / "queue.sqlite").string());
  sqlite::migrate(db_, "queue", kMigrations);
}

std::filesystem::path QueueStore::message_path(const std::string& id) const {
  return dir_ / "messages" / (id + ".eml");
}

std::string QueueStore::enqueue(const NewMessage& m, std::string_view raw) {
  if (m.recipients.empty()) throw std::invalid_argument("queue: a message needs at least one recipient");
  std::string id = new_queue_id();
  // The bytes first: a row never points at a file that is not on disk.
  fs::write_file_durably(message_path(id), raw, 0600);
  try {
    std::lock_guard lock(mu_);
    sqlite::Transaction tx(db_);
    db_.prepare("INSERT INTO messages(id, sender, envid, ret, body, smtputf8, bounce, created, size) "
                "VALUES(?,?,?,?,?,?,?,?,?)")
        .bind(1, id)
        .bind(2, m.sender)
        .bind(3, m.envid)
        .bind(4, m.ret)
        .bind(5, m.body)
        .bind(6, m.smtputf8 ? 1 : 0)
        .bind(7, m.bounce ? 1 : 0)
        .bind(8, static_cast<std::int64_t>(std::time(nullptr)))
        .bind(9, static_cast<std::int64_t>(raw.size()))
        .run();
    auto st = db_.prepare("INSERT INTO recipients(message_id, address, domain, notify, orcpt) VALUES(?,?,?,?,?)");
    for (const auto& r : m.recipients) {
      st.reset();
      st.bind(1, id).bind(2, r.address).bind(3, domain_of(r.address)).bind(4, r.notify).bind(5, r.orcpt).run();
    }
    tx.commit();
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(message_path(id), ec);
    throw;
  }
  return id;
}

std::optional<MessageInfo> QueueStore::get_locked(const std::string& id) {
  auto st = db_.prepare(
      "SELECT id, sender, envid, ret, body, smtputf8, bounce, held, created, size FROM messages WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  MessageInfo m;
  m.id = st.text(0);
  m.sender = st.text(1);
  m.envid = st.text(2);
  m.ret = st.text(3);
  m.body = st.text(4);
  m.smtputf8 = st.int64(5) != 0;
  m.bounce = st.int64(6) != 0;
  m.held = st.int64(7) != 0;
  m.created = st.int64(8);
  m.size = static_cast<std::uint64_t>(st.int64(9));
  auto rs = db_.prepare(
      "SELECT id, address, domain, notify, orcpt, state, attempts, next_attempt, last_reply, remote_mta, dsn_sent "
      "FROM recipients WHERE message_id = ? ORDER BY id");
  rs.bind(1, id);
  while (rs.step()) {
    RecipientInfo r;
    r.id = rs.int64(0);
    r.address = rs.text(1);
    r.domain = rs.text(2);
    r.notify = rs.text(3);
    r.orcpt = rs.text(4);
    r.state = parse_state(rs.text(5));
    r.attempts = static_cast<int>(rs.int64(6));
    r.next_attempt = rs.int64(7);
    r.last_reply = rs.text(8);
    r.remote_mta = rs.text(9);
    r.dsn_sent = rs.int64(10) != 0;
    m.recipients.push_back(std::move(r));
  }
  return m;
}

std::optional<MessageInfo> QueueStore::get(const std::string& id) {
  std::lock_guard lock(mu_);
  return get_locked(id);
}

std::vector<MessageInfo> QueueStore::list() {
  std::lock_guard lock(mu_);
  std::vector<std::string> ids;
  auto st = db_.prepare("SELECT id FROM messages ORDER BY created, id");
  while (st.step()) ids.push_back(st.text(0));
  std::vector<MessageInfo> out;
  for (const auto& id : ids)
    if (auto m = get_locked(id)) out.push_back(std::move(*m));
  return out;
}

std::string QueueStore::read_message(const std::string& id) { return fs::read_file(message_path(id)); }

std::vector<Job> QueueStore::due(std::int64_t now, std::size_t limit) {
  std::lock_guard lock(mu_);
  auto st = db_.prepare(
      "SELECT r.message_id, r.domain FROM recipients r JOIN messages m ON m.id = r.message_id "
      "WHERE r.state = 'pending' AND r.next_attempt <= ? AND m.held = 0 "
      "GROUP BY r.message_id, r.domain ORDER BY MIN(r.next_attempt), m.created LIMIT ?");
  st.bind(1, now).bind(2, static_cast<std::int64_t>(limit));
  std::vector<Job> out;
  while (st.step()) out.push_back(Job{st.text(0), st.text(1)});
  return out;
}

std::vector<Job> QueueStore::due_for_domain(const std::string& domain, std::int64_t now, std::size_t limit) {
  std::lock_guard lock(mu_);
  auto st = db_.prepare(
      "SELECT r.message_id, r.domain FROM recipients r JOIN messages m ON m.id = r.message_id "
      "WHERE r.state = 'pending' AND r.next_attempt <= ? AND m.held = 0 AND r.domain = ? "
      "GROUP BY r.message_id, r.domain ORDER BY MIN(r.next_attempt), m.created LIMIT ?");
  st.bind(1, now).bind(2, domain).bind(3, static_cast<std::int64_t>(limit));
  std::vector<Job> out;
  while (st.step()) out.push_back(Job{st.text(0), st.text(1)});
  return out;
}

std::optional<std::int64_t> QueueStore::next_due() {
  std::lock_guard lock(mu_);
  auto st = db_.prepare(
      "SELECT MIN(r.next_attempt) FROM recipients r JOIN messages m ON m.id = r.message_id "
      "WHERE r.state = 'pending' AND m.held = 0");
  if (!st.step() || st.is_null(0)) return std::nullopt;
  return st.int64(0);
}

void QueueStore::update_recipient(const RecipientInfo& r) {
  std::lock_guard lock(mu_);
  db_.prepare("UPDATE recipients SET state = ?, attempts = ?, next_attempt = ?, last_reply = ?, remote_mta = ?, "
              "dsn_sent = ? WHERE id = ?")
      .bind(1, to_string(r.state))
      .bind(2, r.attempts)
      .bind(3, r.next_attempt)
      .bind(4, r.last_reply)
      .bind(5, r.remote_mta)
      .bind(6, r.dsn_sent ? 1 : 0)
      .bind(7, r.id)
      .run();
}

bool QueueStore::remove_locked(const std::string& id) {
  {
    sqlite::Transaction tx(db_);
    db_.prepare("DELETE FROM recipients WHERE message_id = ?").bind(1, id).run();
    db_.prepare("DELETE FROM messages WHERE id = ?").bind(1, id).run();
    if (db_.changes() == 0) return false;
    tx.commit();
  }
  std::error_code ec;
  std::filesystem::remove(message_path(id), ec);
  return true;
}

bool QueueStore::remove_if_done(const std::string& id) {
  std::lock_guard lock(mu_);
  auto st = db_.prepare("SELECT COUNT(*) FROM recipients WHERE message_id = ? AND state = 'pending'");
  st.bind(1, id);
  if (!st.step() || st.int64(0) > 0) return false;
  return remove_locked(id);
}

bool QueueStore::remove(const std::string& id) {
  std::lock_guard lock(mu_);
  return remove_locked(id);
}

bool QueueStore::set_held(const std::string& id, bool held) {
  std::lock_guard lock(mu_);
  db_.prepare("UPDATE messages SET held = ? WHERE id = ?").bind(1, held ? 1 : 0).bind(2, id).run();
  return db_.changes() > 0;
}

int QueueStore::flush(const std::string& id) {
  std::lock_guard lock(mu_);
  if (id.empty()) {
    db_.exec("UPDATE recipients SET next_attempt = 0 WHERE state = 'pending'");
  } else {
    db_.prepare("UPDATE recipients SET next_attempt = 0 WHERE state = 'pending' AND message_id = ?").bind(1, id).run();
  }
  return db_.changes();
}

}  // namespace postamt::queue
