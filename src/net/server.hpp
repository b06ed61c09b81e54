// The listening side: binds every configured listener, accepts connections on a pool of io_context
// threads, enforces connection limits, runs implicit TLS and the registered protocol handler, drains
// gracefully on SIGTERM/SIGINT and reloads certificates on SIGHUP. LMTP may also listen on a unix-domain
// socket (RFC 2033 §1), whose stale file is replaced at start and removed at stop.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/config.hpp"
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "net/asio.hpp"
#include "net/connection_limits.hpp"
#include "net/protocol_registry.hpp"
#include "net/tls_contexts.hpp"

namespace postamt::net {

// "cannot listen on 127.0.0.1:25: Address already in use"
class BindError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ServerOptions {
  unsigned threads = 0;                        // io_context threads; 0: hardware_concurrency (min 1)
  std::chrono::milliseconds drain_timeout{10000};  // how long connections may finish after SIGTERM/stop()
  bool handle_signals = false;                 // SIGTERM/SIGINT -> stop(), SIGHUP -> reload_tls()
};

struct BoundListener {
  std::string protocol;
  std::string address;  // the socket file's path for a unix-domain listener (port 0)
  std::uint16_t port;  // the real port (config port 0 binds an ephemeral one)
  config::TlsMode tls;
  std::string path;  // a unix-domain socket listener's path, "" for TCP
};

class Server {
 public:
  // Loads the TLS certificates (throws TlsError). Nothing is bound yet.
  explicit Server(const config::Config& config, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every listener whose protocol is registered (others: `event=listener_skipped`).
  // Throws BindError naming address:port, TlsError for an implicit-TLS listener without a certificate.
  void bind_all();
  std::vector<BoundListener> bound() const;
  // Installs the signal handlers (handle_signals), starts accepting and the io threads. Idempotent.
  void start();
  // start(), then serves until stop() (or SIGTERM/SIGINT with handle_signals), then stops accepting,
  // gives open connections drain_timeout to finish, closes the rest and returns.
  void run();
  void stop();        // thread-safe; may be called before run()
  void reload_tls();  // thread-safe; logs and keeps the old certificates on error
  std::size_t active_connections() const;
  TlsContexts& tls() { return *tls_; }

 private:
  struct Bound;
  struct Live;
  void bind_tcp(const config::Listener& listener, const ProtocolEntry& entry);
  void bind_unix(const config::Listener& listener, const ProtocolEntry& entry);
  void remove_socket_files();
  asio::awaitable<void> accept_loop(Bound& bound);
  asio::awaitable<void> accept_unix_loop(Bound& bound);
  void admit(Bound& bound, tcp::socket socket, std::string ip);
  asio::awaitable<void> serve_connection(Bound& bound, tcp::socket socket, std::string ip);
  asio::awaitable<void> refuse_connection(Bound& bound, tcp::socket socket, std::string reason);
  void connection_finished(std::uint64_t id, const std::string& ip);
  void close_acceptors();

  config::Config config_;
  ServerOptions options_;
  std::unique_ptr<TlsContexts> tls_;
  ConnectionLimits limits_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_requested_ = false;
  std::map<std::uint64_t, std::weak_ptr<Live>> live_;
  std::vector<std::thread> threads_;
  // Declared after everything a connection coroutine touches: destroying io_ destroys unfinished frames.
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::unique_ptr<asio::signal_set> signals_;
  std::vector<std::unique_ptr<Bound>> bound_;
};

}  // namespace postamt::net
