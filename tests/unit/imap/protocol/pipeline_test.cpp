// Receiver + parser together: byte-by-byte feeding gives the same commands as whole feeding, and
// deterministic mutations of real commands never crash or hang (bad input -> error, never UB).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using namespace std::string_literals;

#include "imap/protocol/parser.hpp"
#include "imap/protocol/receiver.hpp"

namespace postamt::imap::protocol {
namespace {

const std::vector<std::string> kWire = {
    "a1 CAPABILITY\r\n",
    "a2 LOGIN {3}\r\njoe {6+}\r\nsecret\r\n",
    "a3 AUTHENTICATE PLAIN AGpvZQBzZWNyZXQ=\r\n",
    "a4 SELECT INBOX (CONDSTORE QRESYNC (67890007 20050715194045000 41,43:211 (1:10 100:109)))\r\n",
    "a5 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (INBOX* %) RETURN (CHILDREN STATUS (MESSAGES))\r\n",
    "a6 APPEND Drafts (\\Seen \\Draft) \"17-Jul-1996 02:44:25 -0700\" {11}\r\nHello World ~{3+}\r\na\0b\r\n"s,
    "a7 UID FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.512> BINARY[1.2] PREVIEW (LAZY)) "
    "(CHANGEDSINCE 12345 VANISHED)\r\n",
    "a8 UID SEARCH RETURN (MIN MAX COUNT SAVE) CHARSET UTF-8 OR (FROM \"x\" SINCE 1-Feb-1994) NOT "
    "(LARGER 100 UID 1:5,7 $) MODSEQ \"/flags/\\\\draft\" all 5\r\n",
    "a9 STORE 1:3 (UNCHANGEDSINCE 7) +FLAGS.SILENT (\\Deleted $Junk)\r\n",
    "b1 ID (\"name\" \"client\" \"version\" NIL)\r\n",
    "b2 SETQUOTA \"\" (STORAGE 512)\r\n",
    "b3 CREATE Archive (USE (\\Archive))\r\n",
    "b4 STATUS {5}\r\nINBOX (MESSAGES UIDNEXT HIGHESTMODSEQ)\r\n",
};

std::vector<std::string> run(std::string_view wire, std::size_t chunk) {
  Receiver r;
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (int guard = 0; guard < 1000000; ++guard) {
    auto ev = r.next();
    if (std::holds_alternative<NeedMore>(ev)) {
      if (pos >= wire.size()) return out;
      const std::size_t n = std::min(chunk, wire.size() - pos);
      r.feed(wire.substr(pos, n));
      pos += n;
    } else if (auto* c = std::get_if<RawCommand>(&ev)) {
      auto p = parse_command(*c);
      out.push_back(c->tag + (p.ok() ? " ok " + std::to_string(p.command->index()) : " BAD " + p.error));
    } else if (auto* e = std::get_if<ReceiveError>(&ev)) {
      out.push_back("error " + e->text);
      if (e->fatal) return out;
    }
  }
  ADD_FAILURE() << "receiver did not make progress";
  return out;
}

TEST(Pipeline, AllSamplesParseWholeAndByteByByte) {
  for (const auto& w : kWire) {
    auto whole = run(w, w.size());
    ASSERT_EQ(whole.size(), 1u) << w;
    EXPECT_NE(whole[0].find(" ok "), std::string::npos) << w << " -> " << whole[0];
    EXPECT_EQ(run(w, 1), whole) << w;
    EXPECT_EQ(run(w, 7), whole) << w;
  }
}

TEST(Pipeline, MutationsNeverCrash) {
  std::mt19937 rng(12345);
  const std::string alphabet = "(){}[]<>\"\\ *%$:,.+-~0123456789\r\nABCabc\0\xff"s;
  std::size_t commands = 0;
  for (const auto& w : kWire) {
    for (int i = 0; i < 300; ++i) {
      std::string m = w;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !m.empty(); ++e) {
        const std::size_t at = rng() % m.size();
        switch (rng() % 4) {
          case 0: m[at] = alphabet[rng() % alphabet.size()]; break;
          case 1: m.erase(at, 1 + rng() % 5); break;
          case 2: m.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
          case 3: m.insert(at, m.substr(at, rng() % 20)); break;
        }
      }
      m += "\r\nz9 NOOP\r\n";
      auto out = run(m, 1 + rng() % 16);
      commands += out.size();
    }
  }
  EXPECT_GT(commands, 0u);
}

TEST(Pipeline, DeepParenthesesEverywhere) {
  const std::string deep = std::string(10000, '(') + std::string(10000, ')');
  for (const char* prefix : {"t SEARCH ", "t FETCH 1 ", "t LIST ", "t STORE 1 FLAGS ", "t STATUS x ",
                             "t SELECT x ", "t ID ", "t APPEND x "}) {
    auto out = run(prefix + deep + "\r\n", 4096);
    ASSERT_EQ(out.size(), 1u) << prefix;
    EXPECT_NE(out[0].find("BAD"), std::string::npos) << prefix << " -> " << out[0];
  }
}

}  // namespace
}  // namespace postamt::imap::protocol
