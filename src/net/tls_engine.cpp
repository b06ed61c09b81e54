// TLS engine over a buffer BIO (see tls_engine.hpp). The BIO never blocks: a read with nothing buffered
// asks OpenSSL to retry (SSL_ERROR_WANT_READ), a write always succeeds into the output buffer.
#include "net/tls_engine.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>

#include <algorithm>
#include <cstring>

#include "net/errors.hpp"

namespace postamt::net {
namespace {

TlsEngine::Io* io_of(BIO* bio) { return static_cast<TlsEngine::Io*>(BIO_get_data(bio)); }

int bio_write(BIO* bio, const char* data, int len) {
  BIO_clear_retry_flags(bio);
  if (len <= 0) return 0;
  io_of(bio)->out.append(data, static_cast<std::size_t>(len));
  return len;
}

int bio_read(BIO* bio, char* data, int len) {
  BIO_clear_retry_flags(bio);
  auto* io = io_of(bio);
  const std::size_t avail = io->in.size() - io->in_pos;
  if (avail == 0) {
    if (io->eof) return 0;
    BIO_set_retry_read(bio);
    return -1;
  }
  const std::size_t n = std::min(avail, static_cast<std::size_t>(std::max(len, 0)));
  std::memcpy(data, io->in.data() + io->in_pos, n);
  io->in_pos += n;
  if (io->in_pos == io->in.size()) {
    std::vector<unsigned char>().swap(io->in);  // all consumed: hold no memory while idle
    io->in_pos = 0;
  }
  return static_cast<int>(n);
}

long bio_ctrl(BIO* bio, int cmd, long /*num*/, void* /*ptr*/) {
  auto* io = io_of(bio);
  switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_PENDING: return io ? static_cast<long>(io->in.size() - io->in_pos) : 0;
    case BIO_CTRL_WPENDING: return io ? static_cast<long>(io->out.size()) : 0;
    case BIO_CTRL_EOF: return io && io->eof && io->in_pos == io->in.size() ? 1 : 0;
    default: return 0;
  }
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

int bio_destroy(BIO*) { return 1; }

// One method table for the process (OpenSSL 3 keeps it until exit).
BIO_METHOD* buffer_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "postamt buffers");
    if (!m) return m;
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_ctrl(m, bio_ctrl);
    BIO_meth_set_create(m, bio_create);
    BIO_meth_set_destroy(m, bio_destroy);
    return m;
  }();
  return method;
}

}  // namespace

TlsEngine::TlsEngine(SSL_CTX* context) {
  BIO_METHOD* method = buffer_method();
  if (!method) throw TlsError("cannot create the TLS buffer BIO method");
  ssl_ = SSL_new(context);
  if (!ssl_) throw TlsError("SSL_new failed: " + error_text("out of memory"));
  BIO* bio = BIO_new(method);
  if (!bio) {
    SSL_free(ssl_);
    throw TlsError("cannot create the TLS buffer BIO");
  }
  BIO_set_data(bio, &io_);
  SSL_set_bio(ssl_, bio, bio);  // one BIO for both directions: SSL_free frees it once
  // OpenSSL's own record buffers are freed between records as well.
  SSL_set_mode(ssl_, SSL_MODE_RELEASE_BUFFERS);
  SSL_set_accept_state(ssl_);
}

TlsEngine::~TlsEngine() {
  if (ssl_) SSL_free(ssl_);
}

void TlsEngine::feed(std::vector<unsigned char> bytes) {
  if (bytes.empty()) return;
  if (io_.in_pos == io_.in.size()) {
    io_.in = std::move(bytes);
    io_.in_pos = 0;
  } else {
    io_.in.insert(io_.in.end(), bytes.begin(), bytes.end());
  }
}

std::string TlsEngine::take_output() {
  std::string out = std::move(io_.out);
  io_.out = std::string();
  return out;
}

std::string TlsEngine::error_text(const char* fallback) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : fallback;
}

}  // namespace postamt::net
