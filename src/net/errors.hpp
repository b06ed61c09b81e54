// The errors the net layer throws into protocol sessions. Every one derives from net::Error, so a session
// can end on any I/O problem with one catch; LineTooLong is the one a session answers and survives.
#pragma once
#include <stdexcept>
#include <string>

namespace postamt::net {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The peer closed the connection (EOF, TLS close_notify or a truncated TLS stream).
class Closed : public Error {
 public:
  Closed() : Error("connection closed by peer") {}
};

// A read, write or handshake missed its deadline (the idle timeout).
class Timeout : public Error {
 public:
  using Error::Error;
};

// The server is stopping and interrupted a wait for the client's next command (Connection::
// read_command_line): the session ends, the server says goodbye in the protocol's words.
class Interrupted : public Error {
 public:
  Interrupted() : Error("server stopping") {}
};

// Any other socket or TLS I/O failure.
class IoError : public Error {
 public:
  using Error::Error;
};

// A line longer than the reader's limit. The reader skips the rest of that line on the next read_line,
// so the session may answer with a protocol error (e.g. SMTP 500, RFC 5321 §4.5.3.1.6) and continue.
class LineTooLong : public Error {
 public:
  using Error::Error;
};

// The connection read more bytes than the limit set on its LineReader.
class ReadLimitExceeded : public Error {
 public:
  using Error::Error;
};

// A TLS ClientHello arrived on a plaintext (or STARTTLS) port: the client should use the implicit-TLS port.
class TlsOnPlainPort : public Error {
 public:
  TlsOnPlainPort() : Error("TLS handshake on a plaintext port") {}
};

// TLS setup failed: a certificate or key that cannot be loaded, no certificate, or a failed handshake.
class TlsError : public Error {
 public:
  using Error::Error;
};

}  // namespace postamt::net
