// A blocking client connection (TCP, optionally TLS from the first byte) with a line reader: the one
// transport every benchmark client of the load generator uses.
#pragma once
#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bench {

struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One SSL_CTX per process; clients do not verify the (test) certificate.
SSL_CTX* client_tls_context();

class Conn {
 public:
  Conn(const std::string& host, int port, bool tls);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  void write(std::string_view data);
  std::string read_line();           // without the CRLF
  std::string read_exact(std::size_t n);
  // Reads up to and including the next "\r\n.\r\n"-terminated multi-line body; returns its size.
  std::size_t read_dot_terminated();

 private:
  bool fill();  // false at EOF
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  std::unique_ptr<char[]> buf_;
  std::size_t begin_ = 0, end_ = 0;
  static constexpr std::size_t kBuf = 16384;
};

}  // namespace bench
