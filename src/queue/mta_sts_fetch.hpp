// Fetching an MTA-STS policy over HTTPS (RFC 8461 §3.3): GET /.well-known/mta-sts.txt from
// mta-sts.<domain>, certificate verified for that name, 200 only (no redirects), text/plain, at most
// 64 KiB, one deadline for the whole fetch. Blocking: for the queue's worker threads.
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace postamt::queue::mta_sts {

struct FetchRequest {
  std::string host;                    // "mta-sts.example.com": SNI, Host header, certificate name
  std::vector<std::string> addresses;  // its addresses (from our resolver), tried in order
  std::uint16_t port = 443;
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // §3.3 "a suggested timeout is one minute"
};

struct FetchResult {
  bool ok = false;
  std::string body;   // the policy text when ok
  std::string error;  // why not, for the log
};

// `tls` must trust the CAs the policy host's certificate is checked against (verify_peer is set here).
FetchResult fetch_policy(boost::asio::ssl::context& tls, const FetchRequest& request);

}  // namespace postamt::queue::mta_sts
