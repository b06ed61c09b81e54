// Blocking TCP/TLS client connection with buffered line reads (see conn.hpp).
#include "conn.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bench {

SSL_CTX* client_tls_context() {
  static SSL_CTX* ctx = [] {
    SSL_CTX* c = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS);  // 10,000 idle clients in one process
    return c;
  }();
  return ctx;
}

Conn::Conn(const std::string& host, int port, bool tls) : buf_(new char[kBuf]) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw IoError(std::string("socket: ") + std::strerror(errno));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &sa.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    int e = errno;
    ::close(fd_);
    throw IoError(std::string("connect: ") + std::strerror(e));
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (tls) {
    ssl_ = SSL_new(client_tls_context());
    SSL_set_fd(ssl_, fd_);
    if (SSL_connect(ssl_) != 1) {
      char err[256];
      ERR_error_string_n(ERR_get_error(), err, sizeof err);
      SSL_free(ssl_);
      ::close(fd_);
      throw IoError(std::string("TLS handshake: ") + err);
    }
  }
}

Conn::~Conn() {
  if (ssl_) SSL_free(ssl_);
  if (fd_ >= 0) ::close(fd_);
}

void Conn::write(std::string_view data) {
  while (!data.empty()) {
    long n = ssl_ ? SSL_write(ssl_, data.data(), static_cast<int>(data.size()))
                  : ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      if (!ssl_ && n < 0 && errno == EINTR) continue;
      throw IoError("write failed");
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

bool Conn::fill() {
  if (begin_ == end_) begin_ = end_ = 0;
  if (end_ == kBuf) {
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    if (end_ == kBuf) throw IoError("line longer than the read buffer");
  }
  for (;;) {
    long n = ssl_ ? SSL_read(ssl_, buf_.get() + end_, static_cast<int>(kBuf - end_))
                  : ::recv(fd_, buf_.get() + end_, kBuf - end_, 0);
    if (n > 0) {
      end_ += static_cast<std::size_t>(n);
      return true;
    }
    if (!ssl_ && n < 0 && errno == EINTR) continue;
    return false;
  }
}

std::string Conn::read_line() {
  std::size_t scanned = begin_;
  for (;;) {
    auto* start = buf_.get() + scanned;
    auto* nl = static_cast<char*>(std::memchr(start, '\n', end_ - scanned));
    if (nl) {
      std::size_t len = static_cast<std::size_t>(nl - (buf_.get() + begin_));
      std::string line(buf_.get() + begin_, len);
      begin_ += len + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    std::size_t offset = end_ - begin_;
    if (!fill()) throw IoError("connection closed by server");
    scanned = begin_ + offset;
  }
}

std::string Conn::read_exact(std::size_t n) {
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    if (begin_ == end_ && !fill()) throw IoError("connection closed by server");
    std::size_t take = std::min(n - out.size(), end_ - begin_);
    out.append(buf_.get() + begin_, take);
    begin_ += take;
  }
  return out;
}

std::size_t Conn::read_dot_terminated() {
  std::size_t total = 0;
  for (;;) {
    std::string line = read_line();
    if (line == ".") return total;
    total += line.size() + 2;
  }
}

}  // namespace bench
