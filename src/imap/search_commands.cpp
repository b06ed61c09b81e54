// SEARCH and UID SEARCH (RFC 9051 §6.4.4): evaluation of the criteria tree over the selected mailbox,
// US-ASCII and UTF-8 charsets, case-insensitive substring matching on decoded header fields and the
// raw text; ESEARCH RETURN (MIN MAX ALL COUNT, RFC 4731) and SAVE / "$" (RFC 5182); MODSEQ (RFC 7162);
// EMAILID and THREADID (RFC 8474 §6).
#include <algorithm>
#include <cctype>
#include <string>

#include "common/strings.hpp"
#include "imap/commands.hpp"
#include "imap/object_ids.hpp"
#include "imap/protocol/date_time.hpp"
#include "imap/protocol/sequence_set.hpp"
#include "mime/message.hpp"
#include "services/services.hpp"

namespace postamt::imap {
namespace {

using Key = protocol::SearchKey;
using K = Key::Kind;

struct Candidate {
  const store::MessageInfo& info;
  std::uint32_t seq;
  bool recent;
  std::optional<std::string> raw;
  std::optional<mime::Message> parsed;
};

std::string fold(std::string_view s) { return str::to_lower(s); }

bool contains_folded(std::string_view haystack, const std::string& folded_needle) {
  if (folded_needle.empty()) return true;
  return fold(haystack).find(folded_needle) != std::string::npos;
}

bool has_flag(const store::MessageInfo& m, std::string_view f) {
  return std::any_of(m.flags.begin(), m.flags.end(), [&](const std::string& x) { return str::iequals(x, f); });
}

// The day of an RFC 5322 date-time ("Tue, 1 Jul 2003 10:52:37 +0200"), ignoring time and zone
// (RFC 9051 §6.4.4 SENTBEFORE etc.). nullopt when it cannot be read.
std::optional<protocol::Date> header_date(std::string_view value) {
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : value) {
    if (std::isalnum(static_cast<unsigned char>(c))) cur.push_back(c);
    else if (!cur.empty()) tokens.push_back(std::move(cur)), cur.clear();
    if (c == ':') break;  // the time starts: day, month and year came before
  }
  if (!cur.empty()) tokens.push_back(cur);
  for (std::size_t i = 0; i + 2 < tokens.size(); ++i) {
    const auto& d = tokens[i];
    if (d.empty() || d.size() > 2 || !std::all_of(d.begin(), d.end(), ::isdigit)) continue;
    std::string mon = fold(tokens[i + 1]).substr(0, 3);
    auto it = std::find(std::begin(kMonths), std::end(kMonths), mon);
    if (it == std::end(kMonths)) continue;
    const auto& y = tokens[i + 2];
    if (y.empty() || y.size() > 4 || !std::all_of(y.begin(), y.end(), ::isdigit)) continue;
    int year = std::stoi(y);
    if (y.size() == 2) year += year < 50 ? 2000 : 1900;  // RFC 5322 §4.3 obsolete two-digit years
    protocol::Date date{year, static_cast<int>(it - std::begin(kMonths)) + 1, std::stoi(d)};
    if (protocol::is_valid_date(date)) return date;
  }
  return std::nullopt;
}

class Evaluator {
 public:
  Evaluator(Session& s, std::uint32_t max_seq, std::uint32_t max_uid) : s_(s), max_seq_(max_seq), max_uid_(max_uid) {}

  // Whether the key needs the message bytes.
  static bool needs_message(const Key& k) {
    switch (k.kind) {
      case K::Bcc: case K::Body: case K::Cc: case K::From: case K::Subject: case K::Text: case K::To:
      case K::Header: case K::SentBefore: case K::SentOn: case K::SentSince: case K::ThreadId:
        return true;
      default:
        return std::any_of(k.children.begin(), k.children.end(), [](const Key& c) { return needs_message(c); });
    }
  }

  bool match(const Key& k, Candidate& c) {
    const auto& m = c.info;
    switch (k.kind) {
      case K::And:
        for (const auto& child : k.children)
          if (!match(child, c)) return false;
        return true;
      case K::All: return true;
      case K::Answered: return has_flag(m, "\\Answered");
      case K::Deleted: return has_flag(m, "\\Deleted");
      case K::Draft: return has_flag(m, "\\Draft");
      case K::Flagged: return has_flag(m, "\\Flagged");
      case K::Seen: return has_flag(m, "\\Seen");
      case K::Unanswered: return !has_flag(m, "\\Answered");
      case K::Undeleted: return !has_flag(m, "\\Deleted");
      case K::Undraft: return !has_flag(m, "\\Draft");
      case K::Unflagged: return !has_flag(m, "\\Flagged");
      case K::Unseen: return !has_flag(m, "\\Seen");
      case K::New: return c.recent && !has_flag(m, "\\Seen");
      case K::Old: return !c.recent;
      case K::Recent: return c.recent;
      case K::Keyword: return has_flag(m, k.text);
      case K::Unkeyword: return !has_flag(m, k.text);
      case K::From: return header_contains(c, "From", k.text);
      case K::To: return header_contains(c, "To", k.text);
      case K::Cc: return header_contains(c, "Cc", k.text);
      case K::Bcc: return header_contains(c, "Bcc", k.text);
      case K::Subject: return header_contains(c, "Subject", k.text);
      case K::Header: return header_contains(c, k.text, k.value);
      case K::Body: {
        const auto& root = c.parsed->root;
        std::string_view raw(*c.raw);
        return contains_folded(raw.substr(std::min(root.body_begin, raw.size())), fold(k.text));
      }
      case K::Text: return contains_folded(*c.raw, fold(k.text));
      case K::Before: return internal_day(m) < protocol::days_from_civil(k.date);
      case K::On: return internal_day(m) == protocol::days_from_civil(k.date);
      case K::Since: return internal_day(m) >= protocol::days_from_civil(k.date);
      case K::SentBefore: case K::SentOn: case K::SentSince: {
        auto value = mime::header_value(*c.raw, c.parsed->root, "Date");
        auto date = value ? header_date(*value) : std::nullopt;
        // RFC 9051 §6.4.4: without a usable Date: field, the internal date stands in.
        std::int64_t day = date ? protocol::days_from_civil(*date) : internal_day(m);
        std::int64_t want = protocol::days_from_civil(k.date);
        if (k.kind == K::SentBefore) return day < want;
        if (k.kind == K::SentOn) return day == want;
        return day >= want;
      }
      case K::Larger: return m.size > k.number;
      case K::Smaller: return m.size < k.number;
      case K::Older: return now_ - m.internal_date >= static_cast<std::int64_t>(k.number);
      case K::Younger: return now_ - m.internal_date <= static_cast<std::int64_t>(k.number);
      case K::ModSeq: return m.modseq >= k.number;
      case K::Uid:
        if (k.set.saved) return std::find(saved().begin(), saved().end(), m.uid) != saved().end();
        return k.set.contains(m.uid, max_uid_);
      case K::SequenceSet:
        if (k.set.saved) return std::find(saved().begin(), saved().end(), m.uid) != saved().end();
        return k.set.contains(c.seq, max_seq_);
      case K::Not: return !match(k.children.at(0), c);
      case K::Or: return match(k.children.at(0), c) || match(k.children.at(1), c);
      // RFC 8474 §6: object ids compare exactly (case-sensitive).
      case K::EmailId: return email_id(m) == k.text;
      case K::ThreadId: return thread_id(*c.raw, *c.parsed, m) == k.text;
    }
    return false;
  }

 private:
  const std::vector<std::uint32_t>& saved() { return s_.selected().saved; }

  static std::int64_t internal_day(const store::MessageInfo& m) {
    return m.internal_date >= 0 ? m.internal_date / 86400 : (m.internal_date - 86399) / 86400;
  }

  bool header_contains(Candidate& c, std::string_view name, const std::string& needle) {
    const std::string folded = fold(needle);
    bool found_field = false;
    for (const auto& [field, value] : mime::header_fields(*c.raw, c.parsed->root)) {
      if (!str::iequals(field, name)) continue;
      found_field = true;
      // RFC 9051 §6.4.4: HEADER with an empty string matches every message with that field.
      if (folded.empty() || contains_folded(mime::decode_words(value), folded)) return true;
    }
    (void)found_field;
    return false;
  }

  Session& s_;
  std::uint32_t max_seq_, max_uid_;
  std::int64_t now_ = static_cast<std::int64_t>(std::time(nullptr));
};

bool uses_modseq(const Key& k) {
  if (k.kind == K::ModSeq) return true;
  return std::any_of(k.children.begin(), k.children.end(), uses_modseq);
}

}  // namespace

asio::awaitable<void> cmd_search(Session& s, const std::string& tag, const Command& c) {
  const auto& cmd = std::get<protocol::Search>(c);
  if (cmd.charset && !str::iequals(*cmd.charset, "UTF-8") && !str::iequals(*cmd.charset, "US-ASCII"))
    throw No{"Charset not supported", "BADCHARSET (US-ASCII UTF-8)"};  // RFC 9051 §6.4.4
  const bool modseq_search = uses_modseq(cmd.criteria);
  if (modseq_search) s.condstore = true;  // RFC 7162 §3.1: SEARCH MODSEQ enables CONDSTORE
  auto& sel = s.selected();
  const auto account = sel.account;
  Evaluator eval(s, static_cast<std::uint32_t>(sel.messages.size()), sel.max_uid());
  const bool need_message = Evaluator::needs_message(cmd.criteria);
  std::vector<std::size_t> matches;
  std::uint64_t max_modseq = 0;
  for (std::size_t i = 0; i < sel.messages.size(); ++i) {
    const auto& m = sel.messages[i];
    Candidate cand{m, static_cast<std::uint32_t>(i + 1), sel.recent.count(m.uid) > 0, std::nullopt, std::nullopt};
    if (need_message) {
      try {
        cand.raw = co_await read_message(s, account, m);
      } catch (const std::exception&) {
        continue;  // expunged elsewhere meanwhile
      }
      cand.parsed = mime::parse(*cand.raw);
    }
    if (eval.match(cmd.criteria, cand)) {
      matches.push_back(i);
      max_modseq = std::max(max_modseq, m.modseq);
    }
  }
  auto number = [&](std::size_t i) { return cmd.uid ? sel.messages[i].uid : static_cast<std::uint32_t>(i + 1); };

  if (cmd.ret || s.rev2) {
    protocol::SearchReturn ret = cmd.ret.value_or(protocol::SearchReturn{false, false, true, false, false});
    // RFC 4731 §3.1: RETURN () is RETURN (ALL).
    if (!ret.min && !ret.max && !ret.all && !ret.count && !ret.save) ret.all = true;
    if (ret.save) {
      // RFC 5182 §2.4: the saved result is a set of messages, kept as UIDs here.
      sel.saved.clear();
      for (auto i : matches) sel.saved.push_back(sel.messages[i].uid);
      sel.saved_valid = true;
    }
    const bool only_save = ret.save && !ret.min && !ret.max && !ret.all && !ret.count;
    if (!only_save) {
      std::string line = "* ESEARCH (TAG \"" + tag + "\")";
      if (cmd.uid) line += " UID";
      if (!matches.empty()) {
        if (ret.min) line += " MIN " + std::to_string(number(matches.front()));
        if (ret.max) line += " MAX " + std::to_string(number(matches.back()));
        if (ret.all) {
          std::vector<std::uint32_t> nums;
          for (auto i : matches) nums.push_back(number(i));
          line += " ALL " + protocol::format_sequence_set(std::move(nums));
        }
      }
      if (ret.count) line += " COUNT " + std::to_string(matches.size());
      if (modseq_search && !matches.empty()) line += " MODSEQ " + std::to_string(max_modseq);
      s.send(line + "\r\n");
    }
    co_return;
  }
  std::string line = "* SEARCH";
  for (auto i : matches) line += " " + std::to_string(number(i));
  // RFC 7162 §3.1.5: the highest mod-sequence of the matches follows a MODSEQ search.
  if (modseq_search && !matches.empty()) line += " (MODSEQ " + std::to_string(max_modseq) + ")";
  s.send(line + "\r\n");
}

}  // namespace postamt::imap
