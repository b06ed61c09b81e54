// The HTTPS GET of an MTA-STS policy (RFC 8461 §3.3) with Boost.Beast over OpenSSL.
#include "queue/mta_sts_fetch.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <openssl/ssl.h>

#include "queue/mta_sts.hpp"

namespace postamt::queue::mta_sts {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

// Runs one asynchronous operation until it completes or the deadline passes (then the socket is
// closed and the operation fails with a timeout).
template <class Start>
error_code run(asio::io_context& io, asio::ip::tcp::socket& socket, Clock::time_point deadline, Start start) {
  bool done = false;
  error_code result;
  start([&](const error_code& ec, auto&&...) {
    done = true;
    result = ec;
  });
  io.restart();
  io.run_until(deadline);
  if (!done) {
    error_code ignored;
    socket.close(ignored);
    io.restart();
    io.run();
    return asio::error::timed_out;
  }
  return result;
}

FetchResult fetch_from(asio::ssl::context& tls, const FetchRequest& rq, const std::string& address,
                       Clock::time_point deadline) {
  FetchResult r;
  asio::io_context io;
  asio::ssl::stream<asio::ip::tcp::socket> stream(io, tls);
  auto& socket = stream.next_layer();
  error_code ec;
  auto ip = asio::ip::make_address(address, ec);
  if (ec) {
    r.error = "bad address " + address;
    return r;
  }
  asio::ip::tcp::endpoint ep(ip, rq.port);
  ec = run(io, socket, deadline, [&](auto h) { socket.async_connect(ep, h); });
  if (ec) {
    r.error = "connect " + address + ": " + ec.message();
    return r;
  }
  // §3.3: the certificate must be valid for the policy host (RFC 6125 DNS-ID) and chain to a trusted CA.
  SSL_set_tlsext_host_name(stream.native_handle(), rq.host.c_str());
  stream.set_verify_mode(asio::ssl::verify_peer);
  stream.set_verify_callback(asio::ssl::host_name_verification(rq.host));
  ec = run(io, socket, deadline, [&](auto h) { stream.async_handshake(asio::ssl::stream_base::client, h); });
  if (ec) {
    r.error = "TLS " + address + ": " + ec.message();
    return r;
  }
  http::request<http::empty_body> req{http::verb::get, "/.well-known/mta-sts.txt", 11};
  req.set(http::field::host, rq.host);
  req.set(http::field::user_agent, "postamt");
  req.set(http::field::connection, "close");
  ec = run(io, socket, deadline, [&](auto h) { http::async_write(stream, req, h); });
  if (ec) {
    r.error = "write " + address + ": " + ec.message();
    return r;
  }
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(kMaxPolicySize);  // §3.3 size limit
  ec = run(io, socket, deadline, [&](auto h) { http::async_read(stream, buffer, parser, h); });
  if (ec && !(ec == http::error::end_of_stream && parser.is_done())) {
    r.error = "read " + address + ": " + ec.message();
    return r;
  }
  const auto& res = parser.get();
  // §3.3: only 200 counts; a redirect is not followed.
  if (res.result() != http::status::ok) {
    r.error = "HTTP " + std::to_string(res.result_int()) + " from " + rq.host;
    return r;
  }
  if (!content_type_ok(std::string(res[http::field::content_type]))) {
    r.error = "Content-Type is not text/plain: " + std::string(res[http::field::content_type]).substr(0, 60);
    return r;
  }
  r.ok = true;
  r.body = res.body();
  error_code ignored;
  socket.close(ignored);
  return r;
}

}  // namespace

FetchResult fetch_policy(asio::ssl::context& tls, const FetchRequest& request) {
  FetchResult last;
  last.error = "no address for " + request.host;
  auto deadline = Clock::now() + request.timeout;
  for (const auto& a : request.addresses) {
    if (Clock::now() >= deadline) break;
    last = fetch_from(tls, request, a, deadline);
    // Only a failure to reach the host moves on to its next address; an answer is the answer.
    if (last.ok || last.error.rfind("connect ", 0) != 0) break;
  }
  return last;
}

}  // namespace postamt::queue::mta_sts
