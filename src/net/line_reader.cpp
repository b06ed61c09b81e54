// Bounded line and byte reading with the STARTTLS buffer purge (see line_reader.hpp).
#include "net/line_reader.hpp"

#include <algorithm>
#include <cstring>

#include "net/errors.hpp"
#include "net/tls_sniff.hpp"

namespace postamt::net {
namespace {
// Reads start small (a command line); bulk input (literals, DATA) reads in large chunks. Between
// commands the reader holds no buffer at all.
constexpr std::size_t kSmallChunk = 1024;
constexpr std::size_t kReadChunk = 16 * 1024;
}  // namespace

LineReader::LineReader(Transport& transport, std::size_t max_line_length)
    : transport_(transport), max_line_(max_line_length) {}

asio::awaitable<void> LineReader::fill() {
  if (begin_ == end_) {
    begin_ = end_ = 0;
    // Nothing buffered and the last read did not fill its chunk: the peer is probably between commands
    // (or idle for minutes in IMAP IDLE), so give the buffer back and wait for input without one.
    if (!bulk_ && buffer_.capacity() > 0) {
      std::vector<char>().swap(buffer_);
      co_await transport_.wait_readable();  // without a buffer, however long the wait
    }
  } else if (begin_ > buffer_.size() / 2) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const std::size_t chunk = bulk_ ? kReadChunk : kSmallChunk;
  if (buffer_.size() - end_ < chunk) buffer_.resize(end_ + chunk);
  std::size_t n = co_await transport_.read_some(std::span<char>(buffer_.data() + end_, chunk));
  bulk_ = n == chunk;  // a full chunk: more is probably waiting
  end_ += n;
  bytes_read_ += n;
  if (read_limit_ != 0 && bytes_read_ > read_limit_)
    throw ReadLimitExceeded("connection sent more than " + std::to_string(read_limit_) + " bytes");
  if (sniff_) {
    // Only the very first bytes of the connection can be a misplaced ClientHello.
    if (transport_.is_tls() || begin_ != 0 || end_ != bytes_read_) {
      sniff_ = false;
    } else {
      switch (sniff_tls_client_hello(std::string_view(buffer_.data(), end_))) {
        case Sniff::Tls: throw TlsOnPlainPort();
        case Sniff::NotTls: sniff_ = false; break;
        case Sniff::NeedMore: break;  // decided by the next fill
      }
    }
  }
}

asio::awaitable<std::string> LineReader::read_line() {
  // Finish skipping an over-long line reported earlier.
  while (skipping_) {
    const char* start = buffer_.data() + begin_;
    const void* lf = begin_ == end_ ? nullptr : std::memchr(start, '\n', end_ - begin_);
    if (lf) {
      consume(static_cast<const char*>(lf) - start + 1);
      skipping_ = false;
    } else {
      begin_ = end_;
      co_await fill();
    }
  }
  std::size_t scanned = 0;
  for (;;) {
    const char* start = buffer_.data() + begin_;
    std::size_t avail = end_ - begin_;
    const void* lf = avail == scanned ? nullptr : std::memchr(start + scanned, '\n', avail - scanned);
    if (lf) {
      std::size_t len = static_cast<const char*>(lf) - start;  // without the LF
      last_crlf_ = len > 0 && start[len - 1] == '\r';
      std::size_t content = last_crlf_ ? len - 1 : len;
      if (content > max_line_) {
        consume(len + 1);
        throw LineTooLong("line longer than " + std::to_string(max_line_) + " bytes");
      }
      std::string line(start, content);
      consume(len + 1);
      co_return line;
    }
    scanned = avail;
    // A CR may still be followed by LF, so allow one byte beyond the limit before giving up.
    if (avail > max_line_ + 1) {
      begin_ = end_;
      skipping_ = true;
      throw LineTooLong("line longer than " + std::to_string(max_line_) + " bytes");
    }
    co_await fill();
  }
}

asio::awaitable<std::string> LineReader::read_exact(std::size_t n) {
  std::string out;
  out.reserve(std::min<std::size_t>(n, 1 << 20));
  while (out.size() < n) {
    if (begin_ == end_) co_await fill();
    std::size_t take = std::min(n - out.size(), end_ - begin_);
    out.append(buffer_.data() + begin_, take);
    consume(take);
  }
  co_return out;
}

std::size_t LineReader::discard_buffered() {
  std::size_t n = end_ - begin_;
  begin_ = end_ = 0;
  skipping_ = false;
  return n;
}

}  // namespace postamt::net
