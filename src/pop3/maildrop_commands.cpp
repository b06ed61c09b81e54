// TRANSACTION-state maildrop commands (RFC 1939 §5 STAT LIST RETR DELE NOOP RSET, §7 TOP UIDL).
// LIST/STAT octet counts are the stored sizes, which are exactly the bytes RETR sends before
// byte-stuffing (RFC 1939 §11: stored messages are already CRLF, so no conversion changes the count).
#include <string>

#include "common/fs.hpp"
#include "common/offload.hpp"
#include "pop3/commands.hpp"
#include "pop3/protocol/multiline.hpp"
#include "pop3/protocol/response.hpp"
#include "pop3/protocol/top.hpp"
#include "pop3/session.hpp"
#include "services/services.hpp"
#include "store/acl.hpp"

namespace postamt::pop3 {
namespace {

// RFC 1939 §5: a message number must exist and must not be marked deleted.
std::uint32_t live_message(Session& s, std::optional<std::uint32_t> msg) {
  std::uint32_t n = msg.value_or(0);
  if (!s.maildrop().exists(n)) throw Err{"No such message"};
  if (s.maildrop().deleted(n)) throw Err{"Message " + std::to_string(n) + " already deleted"};
  return n;
}

std::string drop_summary(const Maildrop& m) {
  return std::to_string(m.live_count()) + " messages (" + std::to_string(m.live_octets()) + " octets)";
}

// The stored bytes of message n. The store lock covers only the path lookup; the (immutable,
// content-addressed) file is read outside it so big messages do not hold up other sessions.
asio::awaitable<std::string> read_message(Session& s, std::uint32_t n) {
  store::MessageInfo info = s.maildrop().message(n);
  store::AccountId account = s.maildrop().account();
  std::string data;
  bool failed = false;
  try {
    data = co_await offload([&s, &info, account] {
      auto path = s.services().with_store([&](store::MailStore& st) { return st.message_path(account, info); });
      return fs::read_file(path);
    });
  } catch (const std::exception& e) {
    s.log().error("message_read_failed", {{"uid", info.uid}, {"error", e.what()}});
    failed = true;
  }
  // A message expunged through IMAP after this session's login has lost its file.
  if (failed) throw Err{"Message " + std::to_string(n) + " cannot be read", protocol::resp_code::kSysTemp};
  if (data.size() != info.size)
    s.log().warn("message_size_mismatch", {{"uid", info.uid}, {"stored", info.size}, {"file", data.size()}});
  co_return data;
}

// "+OK ..." then the byte-stuffed text and the terminator (RFC 1939 §3), stuffed chunk by chunk into
// the output buffer, which is flushed whenever it grows past kFlushThreshold.
asio::awaitable<void> send_multiline(Session& s, const std::string& status, std::string_view text) {
  s.send(protocol::ok(status));
  protocol::DotStuffer stuffer;
  while (!text.empty()) {
    std::string_view chunk = text.substr(0, kFlushThreshold);
    text.remove_prefix(chunk.size());
    stuffer.feed(chunk, s.out());
    if (s.out().size() >= kFlushThreshold) co_await s.flush();
  }
  stuffer.finish(s.out());
}

}  // namespace

asio::awaitable<void> cmd_stat(Session& s, const Command&) {
  // RFC 1939 §5: "+OK nn mm", messages marked deleted not counted.
  s.send(protocol::ok(std::to_string(s.maildrop().live_count()) + " " + std::to_string(s.maildrop().live_octets())));
  co_return;
}

asio::awaitable<void> cmd_list(Session& s, const Command& c) {
  auto& m = s.maildrop();
  if (c.msg) {
    std::uint32_t n = live_message(s, c.msg);
    s.send(protocol::ok(std::to_string(n) + " " + std::to_string(m.message(n).size)));
    co_return;
  }
  std::vector<std::string> lines;
  lines.reserve(m.live_count());
  for (std::uint32_t n = 1; n <= m.size(); ++n)
    if (!m.deleted(n)) lines.push_back(std::to_string(n) + " " + std::to_string(m.message(n).size));
  s.send(protocol::multiline(drop_summary(m), lines));
  co_return;
}

asio::awaitable<void> cmd_retr(Session& s, const Command& c) {
  std::uint32_t n = live_message(s, c.msg);
  std::string data = co_await read_message(s, n);
  co_await send_multiline(s, std::to_string(data.size()) + " octets", data);
  s.log().debug("retr", {{"msg", n}, {"uid", s.maildrop().message(n).uid}, {"octets", data.size()}});
}

asio::awaitable<void> cmd_top(Session& s, const Command& c) {
  std::uint32_t n = live_message(s, c.msg);
  std::string data = co_await read_message(s, n);
  co_await send_multiline(s, "Top of message follows", protocol::top_extract(data, c.lines));
}

asio::awaitable<void> cmd_dele(Session& s, const Command& c) {
  std::uint32_t n = live_message(s, c.msg);
  // RFC 4314 §4: deleting is STORE \Deleted ("t") plus EXPUNGE ("e") in IMAP terms.
  if (!store::acl::has(s.rights(), 't') || !store::acl::has(s.rights(), 'e'))
    throw Err{"Permission denied: deleting needs the t and e rights on INBOX (ACL).", protocol::resp_code::kSysPerm};
  s.maildrop().mark_deleted(n);  // RFC 1939 §5: only marked; removed in the UPDATE state
  s.send(protocol::ok("Message " + std::to_string(n) + " deleted"));
  co_return;
}

asio::awaitable<void> cmd_rset(Session& s, const Command&) {
  s.maildrop().reset();
  s.send(protocol::ok("Maildrop has " + drop_summary(s.maildrop())));
  co_return;
}

asio::awaitable<void> cmd_uidl(Session& s, const Command& c) {
  auto& m = s.maildrop();
  if (c.msg) {
    std::uint32_t n = live_message(s, c.msg);
    s.send(protocol::ok(std::to_string(n) + " " + m.unique_id(n)));
    co_return;
  }
  std::vector<std::string> lines;
  lines.reserve(m.live_count());
  for (std::uint32_t n = 1; n <= m.size(); ++n)
    if (!m.deleted(n)) lines.push_back(std::to_string(n) + " " + m.unique_id(n));
  s.send(protocol::multiline("Unique-ID listing follows", lines));
  co_return;
}

asio::awaitable<void> cmd_noop(Session& s, const Command&) {
  s.send(protocol::ok());
  co_return;
}

}  // namespace postamt::pop3
