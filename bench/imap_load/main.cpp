// postamt's benchmark load generator: imap_load MODE [--key value]...
//   pop3  --port P --user U --pass W                 fetch-all (RETR every message, DELE all, QUIT)
//   mix   --port P --users N --seconds T --pass W    N concurrent IMAP users running a client mix
//   idle  --port P --count C --users N --pass W      hold C logged-in connections in IDLE until stdin closes
//   lmtp  --port P --senders K --messages M --users N  LMTP delivery of 4 KB messages
// All IMAP/POP3 connections use implicit TLS (neither server takes passwords in cleartext).
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>

#include "common.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    std::fprintf(stderr, "usage: imap_load pop3|mix|idle|lmtp [--key value]...\n");
    return 2;
  }
  bench::Options o;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k.rfind("--", 0) != 0) {
      std::fprintf(stderr, "imap_load: expected --key, got %s\n", argv[i]);
      return 2;
    }
    o.values[k.substr(2)] = argv[i + 1];
  }
  std::string mode = argv[1];
  try {
    if (mode == "pop3") return bench::run_pop3(o);
    if (mode == "mix") return bench::run_imap_mix(o);
    if (mode == "idle") return bench::run_imap_idle(o);
    if (mode == "lmtp") return bench::run_lmtp(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "imap_load %s: %s\n", mode.c_str(), e.what());
    return 1;
  }
  std::fprintf(stderr, "imap_load: unknown mode %s\n", mode.c_str());
  return 2;
}
