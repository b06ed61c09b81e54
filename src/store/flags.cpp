// Message flags (see flags.hpp). RFC 9051 §2.3.2 (flags), §9 (flag, flag-keyword, atom-specials).
#include "store/flags.hpp"

#include <algorithm>

#include "common/strings.hpp"
#include "store/types.hpp"

namespace postamt::store {
namespace {
constexpr std::string_view kSystemFlags[] = {"\\Answered", "\\Deleted", "\\Draft", "\\Flagged", "\\Seen"};

// ATOM-CHAR: any CHAR except atom-specials: ( ) { SP CTL % * " \ ] (RFC 9051 §9).
bool atom_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  return std::string_view("(){%*\"\\]").find(c) == std::string_view::npos;
}

bool less_ci(const std::string& a, const std::string& b) { return str::to_lower(a) < str::to_lower(b); }
bool equal_ci(const std::string& a, const std::string& b) { return str::iequals(a, b); }

void sort_unique(std::vector<std::string>& v) {
  std::stable_sort(v.begin(), v.end(), less_ci);  // stable: the first spelling of a keyword wins
  v.erase(std::unique(v.begin(), v.end(), equal_ci), v.end());
}
}  // namespace

std::vector<std::string> normalize_flags(std::span<const std::string> flags) {
  std::vector<std::string> out;
  for (const auto& f : flags) {
    if (f.empty()) throw Error("empty flag");
    if (f.size() > kMaxFlagLength) throw Error("flag too long");
    bool system = f[0] == '\\';
    std::string_view atom = system ? std::string_view(f).substr(1) : std::string_view(f);
    if (atom.empty() || !std::all_of(atom.begin(), atom.end(), atom_char)) throw Error("invalid flag '" + f + "'");
    if (!system) {
      out.push_back(f);
      continue;
    }
    if (str::iequals(f, "\\Recent")) continue;  // RFC 3501 §2.3.2: session flag, never stored
    auto it = std::find_if(std::begin(kSystemFlags), std::end(kSystemFlags),
                           [&](std::string_view s) { return str::iequals(s, f); });
    if (it == std::end(kSystemFlags)) throw Error("unknown system flag '" + f + "'");
    out.emplace_back(*it);
  }
  sort_unique(out);
  if (out.size() > kMaxFlags) throw Error("too many flags");
  return out;
}

std::string join_flags(const std::vector<std::string>& flags) {
  std::string out;
  for (const auto& f : flags) {
    if (!out.empty()) out += ' ';
    out += f;
  }
  return out;
}

std::vector<std::string> split_flags(std::string_view stored) {
  std::vector<std::string> out;
  for (auto part : str::split(stored, ' '))
    if (!part.empty()) out.emplace_back(part);
  return out;
}

std::vector<std::string> apply_flags(const std::vector<std::string>& current, const std::vector<std::string>& change,
                                     FlagOp op) {
  std::vector<std::string> out;
  switch (op) {
    case FlagOp::Replace: out = change; break;
    case FlagOp::Add:
      out = current;
      out.insert(out.end(), change.begin(), change.end());
      break;
    case FlagOp::Remove:
      for (const auto& f : current)
        if (std::none_of(change.begin(), change.end(), [&](const std::string& c) { return equal_ci(c, f); }))
          out.push_back(f);
      break;
  }
  sort_unique(out);
  if (out.size() > kMaxFlags) throw Error("too many flags");
  return out;
}

}  // namespace postamt::store
