// Buffered reading over a Transport: lines ending in CRLF or bare LF with a maximum length, exact byte
// counts (IMAP literals, BDAT chunks), a total byte limit, and discard_buffered() for STARTTLS.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "net/asio.hpp"
#include "net/transport.hpp"

namespace postamt::net {

class LineReader {
 public:
  static constexpr std::size_t kDefaultMaxLine = 65536;

  explicit LineReader(Transport& transport, std::size_t max_line_length = kDefaultMaxLine);

  // The next line without its terminator (CRLF or bare LF). Throws LineTooLong when the line exceeds
  // max_line_length() bytes (the rest of that line is skipped by the next read_line), Closed at EOF
  // (also for an unterminated last line), Timeout, ReadLimitExceeded, TlsOnPlainPort.
  asio::awaitable<std::string> read_line();
  // Whether the line read last ended in CRLF (false: bare LF). SMTP DATA must not treat bare LF as CRLF.
  bool last_line_crlf() const { return last_crlf_; }
  // Exactly n bytes (no line handling). The caller bounds n first (literal / BDAT size limits).
  // Throws Closed, Timeout, ReadLimitExceeded.
  asio::awaitable<std::string> read_exact(std::size_t n);

  // STARTTLS (RFC 3207 §4.2, CVE-2011-0411): drops every byte received but not yet consumed, so
  // plaintext pipelined after the command cannot be taken as if it came over TLS. Returns the count.
  std::size_t discard_buffered();
  std::size_t buffered() const { return end_ - begin_; }
  // Bytes the reader holds allocated: none while waiting between commands, 1 KiB for a command line,
  // up to 16 KiB more during bulk input.
  std::size_t buffer_capacity() const { return buffer_.capacity(); }

  void set_max_line_length(std::size_t n) { max_line_ = n; }
  std::size_t max_line_length() const { return max_line_; }
  // Total bytes this connection may deliver through the reader; 0 = unlimited.
  void set_read_limit(std::uint64_t limit) { read_limit_ = limit; }
  std::uint64_t bytes_read() const { return bytes_read_; }
  // On plaintext/STARTTLS ports: throw TlsOnPlainPort when the client's first bytes are a TLS ClientHello.
  void set_tls_sniffing(bool on) { sniff_ = on; }

 private:
  asio::awaitable<void> fill();  // reads more bytes into the buffer
  void consume(std::size_t n) { begin_ += n; }

  Transport& transport_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;
  std::size_t max_line_;
  std::uint64_t read_limit_ = 0;
  std::uint64_t bytes_read_ = 0;
  bool last_crlf_ = true;
  bool skipping_ = false;  // inside an over-long line that read_line already reported
  bool sniff_ = false;
  bool bulk_ = false;  // the last read filled its chunk: read the next in large chunks
};

}  // namespace postamt::net
