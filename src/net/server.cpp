// Listener binding, accept loops, connection lifecycle, draining and signals (see server.hpp).
#include "net/server.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>

// GCC 12 reports a false -Wmismatched-new-delete on asio's coroutine frame allocator (GCC PR 109224).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "common/log.hpp"
#include "net/errors.hpp"
#include "net/line_reader.hpp"
#include "net/transport.hpp"

namespace postamt::net {

using boost::system::error_code;

namespace {
constexpr std::chrono::milliseconds kHandshakeTimeout{60000};
using unix_stream = asio::local::stream_protocol;

// A unix-domain socket file left by a server that is gone (connect is refused) is removed; a live
// server's socket or a file that is not a socket is a BindError.
void remove_stale_socket(const std::string& path, const std::string& where) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    throw BindError("cannot listen on " + where + ": " + std::strerror(errno));
  }
  if (!S_ISSOCK(st.st_mode)) throw BindError("cannot listen on " + where + ": the file exists and is not a socket");
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw BindError("cannot listen on " + where + ": " + std::strerror(errno));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), std::min(path.size(), sizeof addr.sun_path - 1));
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::close(fd);
  if (rc == 0) throw BindError("cannot listen on " + where + ": another server is listening there");
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    throw BindError("cannot listen on " + where + ": cannot remove the stale socket: " + std::strerror(errno));
  log::info("stale_socket_removed", {{"path", path}});
}

// Hands the socket file (and a directory we had to create) to the user postamt runs as after dropping
// root, so `mode` is meant for that user and its group and the file can be removed at stop.
void give_to_run_as_user(const std::string& user, const std::vector<std::string>& paths, const std::string& where) {
  if (user.empty() || ::geteuid() != 0) return;
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found)
    throw BindError("cannot listen on " + where + ": unknown [server] user '" + user + "'");
  for (const auto& p : paths)
    if (::chown(p.c_str(), pw.pw_uid, pw.pw_gid) != 0)
      throw BindError("cannot listen on " + where + ": chown " + p + ": " + std::strerror(errno));
}
}  // namespace

struct Server::Bound {
  Bound(config::Listener l, const asio::any_io_executor& strand, ProtocolEntry e)
      : listener(std::move(l)), acceptor(strand), unix_acceptor(strand), entry(std::move(e)) {}
  bool is_unix() const { return !listener.path.empty(); }
  // "127.0.0.1:25" or "unix:/run/postamt/lmtp.sock", for logs.
  std::string where() const {
    return is_unix() ? "unix:" + listener.path.string() : endpoint_string(listener.address, port);
  }

  config::Listener listener;
  tcp::acceptor acceptor;
  unix_stream::acceptor unix_acceptor;  // open instead of `acceptor` for a path = listener
  std::uint16_t port = 0;
  std::uint16_t implicit_tls_port = 0;  // the implicit-TLS port of the same protocol, for tls_on_plain_port
  struct stat socket_file {};           // the socket file we created (removed at stop only if still ours)
  ProtocolEntry entry;
};

struct Server::Live {
  Live(tcp::socket socket, std::size_t max_line, std::uint64_t id, const std::string& protocol)
      : executor(socket.get_executor()), transport(std::move(socket)), reader(transport, max_line), log(id, protocol) {}
  asio::any_io_executor executor;  // the connection's strand; read without racing the transport
  Transport transport;
  LineReader reader;
  log::ConnectionLog log;
  bool awaiting_command = false;  // Connection::read_command_line is waiting (on the strand)
};

Server::Server(const config::Config& config, ServerOptions options)
    : config_(config),
      options_(options),
      tls_(std::make_unique<TlsContexts>(config_)),
      limits_(config_.max_connections, config_.max_connections_per_ip) {}

Server::~Server() {
  stop();
  if (!threads_.empty()) {  // started but run() never waited: stop the threads now
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }
  for (auto& b : bound_) {
    error_code ignored;
    b->acceptor.close(ignored);
    b->unix_acceptor.close(ignored);
  }
  remove_socket_files();
}

void Server::remove_socket_files() {
  for (auto& b : bound_) {
    if (!b->is_unix() || b->socket_file.st_ino == 0) continue;
    struct stat now {};
    const std::string path = b->listener.path.string();
    // Another server may have replaced the file since: remove only the one we made.
    if (::lstat(path.c_str(), &now) == 0 && now.st_ino == b->socket_file.st_ino && now.st_dev == b->socket_file.st_dev)
      ::unlink(path.c_str());
    b->socket_file.st_ino = 0;
  }
}

void Server::bind_all() {
  for (const auto& listener : config_.listeners) {
    auto entry = find_protocol(listener.protocol);
    if (!entry) {
      std::string where = listener.path.empty() ? endpoint_string(listener.address, listener.port)
                                                : "unix:" + listener.path.string();
      log::info("listener_skipped", {{"protocol", listener.protocol}, {"reason", "not in this build"}, {"listen", where}});
      continue;
    }
    if (listener.path.empty())
      bind_tcp(listener, *entry);
    else
      bind_unix(listener, *entry);
  }
  for (auto& b : bound_)
    for (auto& other : bound_)
      if (other->listener.protocol == b->listener.protocol && other->listener.tls == config::TlsMode::Implicit &&
          b->listener.tls != config::TlsMode::Implicit && b->implicit_tls_port == 0)
        b->implicit_tls_port = other->port;
}

void Server::bind_tcp(const config::Listener& listener, const ProtocolEntry& entry) {
  std::string where = endpoint_string(listener.address, listener.port);
  if (listener.tls == config::TlsMode::Implicit && !tls_->available())
    throw TlsError("listener " + listener.protocol + " " + where +
                   " uses implicit TLS but [tls] configures no certificate");
  if (listener.tls == config::TlsMode::StartTls && !tls_->available())
    log::warn("starttls_unavailable", {{"protocol", listener.protocol}, {"listen", where}, {"reason", "no certificate"}});
  error_code ec;
  auto address = asio::ip::make_address(listener.address, ec);
  if (ec) throw BindError("cannot listen on " + where + ": invalid address");
  tcp::endpoint endpoint(address, listener.port);
  auto bound = std::make_unique<Bound>(listener, asio::make_strand(io_), entry);
  auto& acceptor = bound->acceptor;
  auto check = [&] {
    if (ec) throw BindError("cannot listen on " + where + ": " + ec.message());
  };
  acceptor.open(endpoint.protocol(), ec);
  check();
  acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  check();
  if (address.is_v6()) {
    acceptor.set_option(asio::ip::v6_only(true), ec);
    check();
  }
  acceptor.bind(endpoint, ec);
  check();
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  check();
  bound->port = acceptor.local_endpoint(ec).port();
  bound_.push_back(std::move(bound));
}

void Server::bind_unix(const config::Listener& listener, const ProtocolEntry& entry) {
  const std::string path = listener.path.string();
  const std::string where = "unix:" + path;
  std::vector<std::string> owned;  // what to hand to [server] user
  std::error_code fec;
  auto dir = listener.path.parent_path();
  if (!dir.empty() && !std::filesystem::exists(dir, fec)) {
    std::filesystem::create_directories(dir, fec);
    if (fec) throw BindError("cannot listen on " + where + ": cannot create " + dir.string() + ": " + fec.message());
    owned.push_back(dir.string());
  }
  remove_stale_socket(path, where);
  auto bound = std::make_unique<Bound>(listener, asio::make_strand(io_), entry);
  auto& acceptor = bound->unix_acceptor;
  error_code ec;
  auto check = [&] {
    if (ec) throw BindError("cannot listen on " + where + ": " + ec.message());
  };
  acceptor.open(unix_stream(), ec);
  check();
  acceptor.bind(unix_stream::endpoint(path), ec);
  check();
  // Permissions before listen(): no client can connect through a file that is still too open.
  if (::chmod(path.c_str(), static_cast<mode_t>(listener.mode)) != 0)
    throw BindError("cannot listen on " + where + ": chmod: " + std::strerror(errno));
  owned.push_back(path);
  give_to_run_as_user(config_.run_as_user, owned, where);
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  check();
  ::lstat(path.c_str(), &bound->socket_file);
  bound_.push_back(std::move(bound));
}

std::vector<BoundListener> Server::bound() const {
  std::vector<BoundListener> out;
  for (const auto& b : bound_) {
    if (b->is_unix())
      out.push_back({b->listener.protocol, b->listener.path.string(), 0, b->listener.tls, b->listener.path.string()});
    else
      out.push_back({b->listener.protocol, b->listener.address, b->port, b->listener.tls, ""});
  }
  return out;
}

std::size_t Server::active_connections() const {
  std::lock_guard lock(mutex_);
  return live_.size();
}

void Server::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
  }
  stopping_ = true;
  cv_.notify_all();
}

void Server::reload_tls() {
  try {
    tls_->reload();
    log::info("tls_reloaded", {{"certificates", tls_->current()->entries().size()}});
  } catch (const std::exception& e) {
    log::error("tls_reload_failed", {{"error", e.what()}, {"action", "keeping the previous certificates"}});
  }
}

void Server::close_acceptors() {
  for (auto& b : bound_) {
    asio::post(b->acceptor.get_executor(), [&acceptor = b->acceptor, &unix_acceptor = b->unix_acceptor] {
      error_code ignored;
      acceptor.close(ignored);
      unix_acceptor.close(ignored);
    });
  }
  remove_socket_files();
}

namespace {
void wait_for_signal(asio::signal_set& signals, Server& server) {
  signals.async_wait([&signals, &server](const error_code& ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      log::info("signal", {{"signal", "HUP"}, {"action", "reload certificates"}});
      server.reload_tls();
    } else {
      log::info("signal", {{"signal", sig == SIGTERM ? "TERM" : "INT"}, {"action", "drain and stop"}});
      server.stop();
    }
    wait_for_signal(signals, server);
  });
}
}  // namespace

void Server::start() {
  if (work_) return;
  if (options_.handle_signals) {
    signals_ = std::make_unique<asio::signal_set>(io_, SIGTERM, SIGINT, SIGHUP);
    wait_for_signal(*signals_, *this);
  }
  for (auto& b : bound_)
    asio::co_spawn(b->acceptor.get_executor(), b->is_unix() ? accept_unix_loop(*b) : accept_loop(*b), asio::detached);
  work_.emplace(io_.get_executor());
  unsigned n = options_.threads ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { io_.run(); });
}

void Server::run() {
  start();
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return stop_requested_; });
  log::info("draining", {{"connections", live_.size()},
                         {"timeout_ms", static_cast<std::int64_t>(options_.drain_timeout.count())}});
  // Sessions waiting for their next command need not be waited for: interrupt those waits (the
  // sessions say goodbye); sessions in the middle of a command finish it first.
  for (auto& [id, weak] : live_) {
    if (auto live = weak.lock())
      asio::post(live->executor, [live] {
        if (live->awaiting_command) live->transport.interrupt_reads();
      });
  }
  lock.unlock();
  close_acceptors();
  lock.lock();
  if (!cv_.wait_for(lock, options_.drain_timeout, [&] { return live_.empty(); })) {
    log::warn("drain_timeout", {{"closing", live_.size()}});
    for (auto& [id, weak] : live_) {
      if (auto live = weak.lock()) asio::post(live->executor, [live] { live->transport.close(); });
    }
    cv_.wait_for(lock, std::chrono::seconds(2), [&] { return live_.empty(); });
  }
  lock.unlock();
  if (signals_) asio::post(io_, [this] {
    error_code ignored;
    signals_->cancel(ignored);
  });
  work_.reset();
  // Let what is still queued run out (e.g. an offload() result being handed back to a connection's
  // strand) rather than destroying it with io_.stop(); stop hard only if the context stays busy.
  bool finished = false;
  std::thread watchdog([&] {
    std::unique_lock l(mutex_);
    if (!cv_.wait_for(l, std::chrono::seconds(1), [&] { return finished; })) {
      log::warn("stop_forced", {{"reason", "work still pending after drain"}});
      io_.stop();
    }
  });
  for (auto& t : threads_) t.join();
  {
    std::lock_guard l(mutex_);
    finished = true;
  }
  cv_.notify_all();
  watchdog.join();
  threads_.clear();
  log::info("stopped");
}

asio::awaitable<void> Server::accept_loop(Bound& b) {
  asio::steady_timer backoff(b.acceptor.get_executor());
  for (;;) {
    auto [ec, socket] =
        co_await b.acceptor.async_accept(asio::make_strand(io_), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !b.acceptor.is_open() || stopping_) co_return;
      // EMFILE and friends: back off instead of spinning.
      log::warn("accept_failed", {{"listen", b.where()}, {"error", ec.message()}});
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    error_code rec;
    auto remote = socket.remote_endpoint(rec);
    if (rec) continue;  // already gone
    admit(b, std::move(socket), address_string(remote.address()));
  }
}

asio::awaitable<void> Server::accept_unix_loop(Bound& b) {
  asio::steady_timer backoff(b.unix_acceptor.get_executor());
  for (;;) {
    auto [ec, socket] =
        co_await b.unix_acceptor.async_accept(asio::make_strand(io_), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !b.unix_acceptor.is_open() || stopping_) co_return;
      log::warn("accept_failed", {{"listen", b.where()}, {"error", ec.message()}});
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    // Transport holds a tcp::socket: the connected unix-domain stream is adopted as one (asio only reads,
    // writes, shuts down and closes it; sessions get the peer as "unix" from Connection::remote_address()).
    tcp::socket stream(socket.get_executor());
    error_code aec;
    int fd = socket.release(aec);
    if (aec) continue;
    stream.assign(tcp::v6(), fd, aec);
    if (aec) {
      ::close(fd);
      continue;
    }
    // Local software behind file permissions: counted against max_connections, not per client IP.
    admit(b, std::move(stream), "");
  }
}

void Server::admit(Bound& b, tcp::socket socket, std::string ip) {
  auto verdict = limits_.acquire(ip);
  auto executor = socket.get_executor();
  if (verdict == ConnectionLimits::Verdict::Ok) {
    asio::co_spawn(executor, serve_connection(b, std::move(socket), std::move(ip)), asio::detached);
  } else {
    std::string reason = verdict == ConnectionLimits::Verdict::TooMany ? "max_connections" : "max_connections_per_ip";
    log::warn("connection_refused",
              {{"protocol", b.listener.protocol}, {"remote", b.is_unix() ? "unix" : ip}, {"reason", reason}});
    asio::co_spawn(executor, refuse_connection(b, std::move(socket), std::move(reason)), asio::detached);
  }
}

asio::awaitable<void> Server::refuse_connection(Bound& b, tcp::socket socket, std::string reason) {
  Transport transport(std::move(socket));
  transport.set_timeout(std::chrono::seconds(5));
  try {
    if (!b.entry.busy_reply.empty() && b.listener.tls != config::TlsMode::Implicit)
      co_await transport.write(b.entry.busy_reply);
  } catch (const std::exception& e) {
    log::debug("busy_reply_failed", {{"reason", reason}, {"error", e.what()}});
  }
  transport.close();
}

void Server::connection_finished(std::uint64_t id, const std::string& ip) {
  limits_.release(ip);
  {
    std::lock_guard lock(mutex_);
    live_.erase(id);
  }
  cv_.notify_all();
}

asio::awaitable<void> Server::serve_connection(Bound& b, tcp::socket socket, std::string ip) {
  auto started = std::chrono::steady_clock::now();
  std::uint64_t id = log::next_connection_id();
  auto live = std::make_shared<Live>(std::move(socket), config_.max_line_length, id, b.listener.protocol);
  {
    std::lock_guard lock(mutex_);
    live_[id] = live;
  }
  struct Finish {
    Server* server;
    std::uint64_t id;
    std::string ip;
    ~Finish() { server->connection_finished(id, ip); }
  } finish{this, id, ip};

  auto& transport = live->transport;
  auto& log = live->log;
  if (b.is_unix())
    log.info("connect", {{"remote", "unix"}, {"local", b.where()}, {"tls", config::to_string(b.listener.tls)}});
  else
    log.info("connect", {{"remote", endpoint_string(transport.remote_address(), transport.remote_port())},
                         {"local", endpoint_string(transport.local_address(), transport.local_port())},
                         {"tls", config::to_string(b.listener.tls)}});
  std::chrono::milliseconds idle = std::chrono::seconds(config_.idle_timeout_seconds);
  bool graceful = false;  // the session ended the conversation itself
  bool interrupted = false;  // a stopping server ended the wait for the next command
  try {
    if (b.listener.tls == config::TlsMode::Implicit) {
      // A client that connects and never says hello should not hold the slot for the whole idle timeout.
      transport.set_timeout(std::min<std::chrono::milliseconds>(idle, kHandshakeTimeout));
      co_await transport.start_tls(*tls_);
      transport.set_timeout(idle);
      log.info("tls", {{"version", transport.tls_version()}, {"cipher", transport.tls_cipher()}, {"sni", transport.sni()}});
    } else {
      transport.set_timeout(idle);
      live->reader.set_tls_sniffing(true);
    }
    Connection connection{transport, live->reader, log, b.listener, *tls_, config_, stopping_, live->awaiting_command};
    co_await b.entry.handler(connection);
    graceful = true;
  } catch (const TlsOnPlainPort&) {
    if (b.implicit_tls_port != 0)
      log.warn("tls_on_plain_port", {{"port", b.port}, {"use_port", b.implicit_tls_port}});
    else
      log.warn("tls_on_plain_port", {{"port", b.port}, {"use_port", "none"}});
  } catch (const Interrupted&) {
    log.info("closing", {{"reason", "server_stopping"}});
    interrupted = true;  // the goodbye is written below: no co_await inside a handler
  } catch (const Closed&) {
    log.debug("peer_closed");
  } catch (const Timeout& e) {
    log.info("timeout", {{"error", e.what()}});
  } catch (const TlsError& e) {
    log.info("tls_failed", {{"error", e.what()}});
  } catch (const std::exception& e) {
    log.info("connection_error", {{"error", e.what()}});
  }
  if (interrupted) {
    try {
      if (!b.entry.shutdown_reply.empty()) co_await transport.write(b.entry.shutdown_reply);
      graceful = true;
    } catch (const std::exception& e) {
      log.debug("shutdown_reply_failed", {{"error", e.what()}});
    }
  }
  if (graceful) co_await transport.shutdown();
  transport.close();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  log.info("disconnect", {{"duration_ms", static_cast<std::int64_t>(ms)},
                          {"bytes_in", transport.bytes_in()}, {"bytes_out", transport.bytes_out()}});
}

}  // namespace postamt::net
