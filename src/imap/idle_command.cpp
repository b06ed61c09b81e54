// IDLE (RFC 2177, RFC 9051 §6.3.13): "+ idling", then updates of the selected mailbox as they happen
// (ChangeBus notifications, and a poll every second for deliveries by other processes) until DONE.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <memory>
#include <string>

#include "imap/commands.hpp"
#include "imap/protocol/parser.hpp"
#include "net/errors.hpp"

namespace postamt::imap {
namespace {

constexpr std::chrono::seconds kPollInterval{1};

struct DoneWaiter {
  bool finished = false;
  std::string line;
  std::exception_ptr error;
};

// Reads the line that ends IDLE; its arrival (or failure) wakes the IDLE loop through the timer.
asio::awaitable<void> read_done(Session& s, std::shared_ptr<DoneWaiter> waiter) {
  try {
    waiter->line = co_await s.conn().read_command_line();  // a stopping server ends IDLE (net::Interrupted)
  } catch (...) {
    waiter->error = std::current_exception();
  }
  waiter->finished = true;
  s.wake_timer().cancel();
}

}  // namespace

asio::awaitable<void> cmd_idle(Session& s, const std::string&, const Command&) {
  s.send("+ idling\r\n");
  co_await s.flush();
  auto waiter = std::make_shared<DoneWaiter>();
  auto& timer = s.wake_timer();
  // The client's DONE is read concurrently while this loop reports changes.
  auto executor = co_await asio::this_coro::executor;
  asio::co_spawn(executor, read_done(s, waiter), asio::detached);
  bool failed = false;
  while (!waiter->finished) {
    if (s.state() == State::Selected) {
      try {
        co_await s.sync(true);
        co_await s.flush();
      } catch (const net::Error&) {
        failed = true;
      } catch (const std::exception& e) {
        s.log().warn("idle_sync_failed", {{"error", e.what()}});
      }
    }
    if (failed || s.state() == State::Logout) break;
    if (waiter->finished || s.changes_pending()) continue;
    timer.expires_after(kPollInterval);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (!waiter->finished) {
    // Writing failed or the mailbox vanished: stop the pending read and wait for it to end.
    s.conn().transport.close();
    while (!waiter->finished) {
      timer.expires_after(std::chrono::milliseconds(50));
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    throw net::IoError("connection closed during IDLE");
  }
  if (waiter->error) std::rethrow_exception(waiter->error);
  if (!protocol::is_idle_done(waiter->line)) throw Bad{"Expected DONE to end IDLE"};
}

}  // namespace postamt::imap
