// RFC 5260 date and currentdate tests (§4, §5) with :zone / :originalzone (§4.1) and the date-part
// formats of §4.2; RFC 5322 §3.3 date-time parsing incl. the obsolete zone names of §4.3.
#include <cstdint>

#include "common/strings.hpp"
#include "sieve/interpreter.hpp"
#include "sieve/validator.hpp"

namespace postamt::sieve::detail {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month, day, hour, minute, second;
  int zone_minutes;
  std::int64_t days;  // since 1970-01-01 in that zone
};

Civil to_civil(std::int64_t t, int zone_minutes) {
  std::int64_t local = t + zone_minutes * 60;
  std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  std::int64_t secs = local - days * 86400;
  std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  Civil c{static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d,
          static_cast<unsigned>(secs / 3600), static_cast<unsigned>(secs / 60 % 60), static_cast<unsigned>(secs % 60),
          zone_minutes, days};
  return c;
}

struct Parsed {
  std::int64_t utc;
  int zone_minutes;
};

std::optional<int> parse_zone(std::string_view z) {
  if (z.size() == 5 && (z[0] == '+' || z[0] == '-')) {
    for (std::size_t i = 1; i < 5; ++i)
      if (z[i] < '0' || z[i] > '9') return std::nullopt;
    int h = (z[1] - '0') * 10 + (z[2] - '0');
    int m = (z[3] - '0') * 10 + (z[4] - '0');
    if (h > 23 || m > 59) return std::nullopt;
    return (z[0] == '-' ? -1 : 1) * (h * 60 + m);
  }
  return std::nullopt;
}

// RFC 5322 §3.3 date-time (comments and the obsolete forms of §4.3 tolerated).
std::optional<Parsed> parse_date(std::string_view s) {
  std::string clean;
  int depth = 0;
  for (char c : s) {
    if (c == '(') ++depth;
    else if (c == ')') depth = depth > 0 ? depth - 1 : 0;
    else if (!depth) clean += (c == ',' || c == '\t' || c == '\r' || c == '\n') ? ' ' : c;
  }
  std::vector<std::string_view> tok;
  for (auto t : str::split(clean, ' '))
    if (!t.empty()) tok.push_back(t);
  std::size_t i = 0;
  if (i < tok.size() && !tok[i].empty() && !(tok[i][0] >= '0' && tok[i][0] <= '9')) ++i;  // day-of-week
  if (tok.size() < i + 4) return std::nullopt;
  auto num = [](std::string_view t, int& out) {
    if (t.empty() || t.size() > 4) return false;
    out = 0;
    for (char c : t) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    return true;
  };
  int day, year;
  if (!num(tok[i], day) || day < 1 || day > 31) return std::nullopt;
  static constexpr const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                            "jul", "aug", "sep", "oct", "nov", "dec"};
  unsigned month = 0;
  for (unsigned m = 0; m < 12; ++m)
    if (tok[i + 1].size() >= 3 && str::iequals(tok[i + 1].substr(0, 3), kMonths[m])) month = m + 1;
  if (!month || !num(tok[i + 2], year)) return std::nullopt;
  if (tok[i + 2].size() == 2) year += year < 50 ? 2000 : 1900;  // RFC 5322 §4.3
  else if (tok[i + 2].size() == 3) year += 1900;
  auto hms = str::split(tok[i + 3], ':');
  int h = 0, mi = 0, se = 0;
  if (hms.size() < 2 || hms.size() > 3 || !num(hms[0], h) || !num(hms[1], mi) || (hms.size() == 3 && !num(hms[2], se)))
    return std::nullopt;
  if (h > 23 || mi > 59 || se > 60) return std::nullopt;
  int zone = 0;
  if (tok.size() > i + 4) {
    std::string_view z = tok[i + 4];
    if (auto v = parse_zone(z)) {
      zone = *v;
    } else {
      static const std::pair<const char*, int> kNames[] = {{"UT", 0},        {"GMT", 0},       {"Z", 0},
                                                           {"EST", -5 * 60}, {"EDT", -4 * 60}, {"CST", -6 * 60},
                                                           {"CDT", -5 * 60}, {"MST", -7 * 60}, {"MDT", -6 * 60},
                                                           {"PST", -8 * 60}, {"PDT", -7 * 60}};
      for (const auto& [name, off] : kNames)
        if (str::iequals(z, name)) zone = off;  // other (military) names: -0000, i.e. unknown (§4.3)
    }
  }
  std::int64_t t = days_from_civil(year, month, static_cast<unsigned>(day)) * 86400 + h * 3600 + mi * 60 + std::min(se, 59);
  return Parsed{t - zone * 60, zone};
}

std::string two(unsigned v) { return std::string(1, static_cast<char>('0' + v / 10 % 10)) + static_cast<char>('0' + v % 10); }
std::string zone_string(int z, bool colon) {
  int a = z < 0 ? -z : z;
  return std::string(z < 0 ? "-" : "+") + two(static_cast<unsigned>(a / 60)) + (colon ? ":" : "") + two(static_cast<unsigned>(a % 60));
}

const std::vector<std::string>& date_parts() {
  static const std::vector<std::string> p = {"year", "month", "day", "date", "julian", "hour", "minute",
                                             "second", "time", "iso8601", "std11", "zone", "weekday"};
  return p;
}

// RFC 5260 §4.2 date-part values.
std::string date_part(const Civil& c, const std::string& part) {
  char year[16];
  std::snprintf(year, sizeof year, "%04lld", static_cast<long long>(c.year));
  std::string date = std::string(year) + "-" + two(c.month) + "-" + two(c.day);
  std::string time = two(c.hour) + ":" + two(c.minute) + ":" + two(c.second);
  int wd = static_cast<int>(((c.days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4); 0 = Sunday
  if (part == "year") return year;
  if (part == "month") return two(c.month);
  if (part == "day") return two(c.day);
  if (part == "date") return date;
  if (part == "julian") return std::to_string(c.days + 40587);  // Modified Julian Day
  if (part == "hour") return two(c.hour);
  if (part == "minute") return two(c.minute);
  if (part == "second") return two(c.second);
  if (part == "time") return time;
  if (part == "iso8601") return date + "T" + time + zone_string(c.zone_minutes, true);
  if (part == "zone") return zone_string(c.zone_minutes, false);
  if (part == "weekday") return std::to_string(wd);
  if (part == "std11") {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return std::string(kDays[wd]) + ", " + std::to_string(c.day) + " " + kMon[c.month - 1] + " " + year + " " + time +
           " " + zone_string(c.zone_minutes, false);
  }
  return {};
}

int target_zone(Interpreter& in, const Node& n, int original) {
  if (n.has("zone")) return parse_zone(in.tag_string(n, "zone")).value_or(in.msg.local_zone_offset_minutes);
  if (n.has("originalzone")) return original;
  return in.msg.local_zone_offset_minutes;
}

bool eval_date(Interpreter& in, const Node& n) {
  std::string part = str::to_lower(in.arg(n, 1));
  std::vector<std::string> values;
  for (const auto& raw : Interpreter::apply_index(n.match, in.header_values(in.arg(n, 0)))) {
    // §4: the date is the whole field or follows the last ";" (Received).
    auto semi = raw.rfind(';');
    auto d = parse_date(raw);
    if (!d && semi != std::string::npos) d = parse_date(std::string_view(raw).substr(semi + 1));
    if (!d) continue;  // an unparsable date is no value
    values.push_back(date_part(to_civil(d->utc, target_zone(in, n, d->zone_minutes)), part));
  }
  return in.match(n, values, in.list(n, 2));
}

bool eval_currentdate(Interpreter& in, const Node& n) {
  std::string part = str::to_lower(in.arg(n, 0));
  std::vector<std::string> values{date_part(to_civil(in.msg.now, target_zone(in, n, in.msg.local_zone_offset_minutes)), part)};
  return in.match(n, values, in.list(n, 1));
}

void check_part(Validator& v, const Value& p) {
  if (p.strings.empty() || !v.constant(p.str())) return;
  std::string s = str::to_lower(p.str());
  for (const auto& x : date_parts())
    if (x == s) return;
  v.error(p, "unknown date part \"" + p.str() + "\"");
}

void check_zone(Validator& v, Node& n) {
  const Value* z = n.tag("zone");
  if (z && !z->strings.empty() && v.constant(z->str()) && !parse_zone(z->str()))
    v.error(*z, "invalid time zone \"" + z->str() + "\" (expected +hhmm or -hhmm)");
}

void validate_date(Validator& v, Node& n) {
  check_zone(v, n);
  if (n.positional.size() == 3) check_part(v, n.positional[1]);
}

void validate_currentdate(Validator& v, Node& n) {
  check_zone(v, n);
  if (n.positional.size() == 2) check_part(v, n.positional[0]);
}

}  // namespace

void add_date(Registry& r) {
  r.test({.name = "date",
          .capability = "date",
          .tags = {{"zone", ArgType::String, "zone", ""}, {"originalzone", std::nullopt, "zone", ""}},
          .positional = {ArgType::String, ArgType::String, ArgType::StringList},
          .match = true,
          .index = true,
          .validate = validate_date,
          .eval = eval_date});
  r.test({.name = "currentdate",
          .capability = "date",
          .tags = {{"zone", ArgType::String, "zone", ""}},
          .positional = {ArgType::String, ArgType::StringList},
          .match = true,
          .validate = validate_currentdate,
          .eval = eval_currentdate});
}

}  // namespace postamt::sieve::detail
