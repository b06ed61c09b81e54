// Server-side TLS state of one connection without fixed buffers: an OpenSSL SSL object over a BIO of our
// own whose input and output buffers exist only while bytes are in flight, so an idle TLS connection (IMAP
// IDLE) holds no 17 KiB record buffers (asio::ssl::stream keeps 2 × 17 KiB per connection). Transport
// moves the bytes between this engine and the socket.
#pragma once
#include <openssl/ssl.h>

#include <cstddef>
#include <string>
#include <vector>

namespace postamt::net {

class TlsEngine {
 public:
  // A server (accept-state) SSL on `context` with SSL_MODE_RELEASE_BUFFERS. Throws TlsError.
  explicit TlsEngine(SSL_CTX* context);
  ~TlsEngine();
  TlsEngine(const TlsEngine&) = delete;
  TlsEngine& operator=(const TlsEngine&) = delete;

  SSL* ssl() const { return ssl_; }

  // Bytes received from the peer for OpenSSL to read (taken over when nothing is pending).
  void feed(std::vector<unsigned char> bytes);
  // The peer closed its side: OpenSSL's next read sees end of file.
  void feed_eof() { io_.eof = true; }
  bool eof() const { return io_.eof; }
  std::size_t pending_input() const { return io_.in.size() - io_.in_pos; }

  // Encrypted bytes OpenSSL wrote for the peer; the engine keeps no buffer afterwards.
  std::string take_output();
  bool has_output() const { return !io_.out.empty(); }

  // Heap bytes held in the engine's own buffers (not OpenSSL's): 0 when idle.
  std::size_t buffered_capacity() const { return io_.in.capacity() + io_.out.capacity(); }

  // The reason of the first queued OpenSSL error (clears the queue), or `fallback`.
  static std::string error_text(const char* fallback);

  // The BIO's view of the buffers (public for the BIO callbacks in tls_engine.cpp).
  struct Io {
    std::vector<unsigned char> in;
    std::size_t in_pos = 0;
    std::string out;
    bool eof = false;
  };

 private:
  SSL* ssl_ = nullptr;
  Io io_;
};

}  // namespace postamt::net
