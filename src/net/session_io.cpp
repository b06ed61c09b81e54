// Shared session I/O steps (see session_io.hpp).
#include "net/session_io.hpp"

#include "net/errors.hpp"

namespace postamt::net {

asio::awaitable<void> flush(Transport& transport, std::string& pending) {
  if (pending.empty()) co_return;
  std::string data;
  data.swap(pending);
  co_await transport.write(data);
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(delay);
  co_await timer.async_wait(asio::use_awaitable);
}

asio::awaitable<std::optional<std::string>> read_line_within_limit(LineReader& reader) {
  try {
    co_return co_await reader.read_line();
  } catch (const LineTooLong&) {
  }
  co_return std::nullopt;
}

}  // namespace postamt::net
