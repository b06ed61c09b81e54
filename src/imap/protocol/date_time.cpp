// IMAP date / date-time parsing and formatting (see date_time.hpp). RFC 9051 §9.
#include "imap/protocol/date_time.hpp"

#include <array>
#include <cstdio>

#include "common/strings.hpp"
#include "imap/protocol/chars.hpp"

namespace postamt::imap::protocol {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

bool fixed_digits(std::string_view s, std::size_t n, int& out) {
  if (s.size() != n) return false;
  out = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

// date-day "-" date-month "-" date-year, with date-day 1*2DIGIT or (SP DIGIT) when fixed.
std::optional<Date> parse_date_text(std::string_view s, bool allow_space_day) {
  const auto d1 = s.find('-');
  if (d1 == std::string_view::npos) return std::nullopt;
  const auto d2 = s.find('-', d1 + 1);
  if (d2 == std::string_view::npos) return std::nullopt;
  std::string_view day = s.substr(0, d1);
  if (allow_space_day && day.size() == 2 && day[0] == ' ') day.remove_prefix(1);
  Date d;
  if (!(fixed_digits(day, 1, d.day) || fixed_digits(day, 2, d.day))) return std::nullopt;
  const auto mon = s.substr(d1 + 1, d2 - d1 - 1);
  d.month = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i)
    if (str::iequals(mon, kMonths[i])) d.month = static_cast<int>(i) + 1;
  if (d.month == 0) return std::nullopt;
  if (!fixed_digits(s.substr(d2 + 1), 4, d.year)) return std::nullopt;
  if (!is_valid_date(d)) return std::nullopt;
  return d;
}

}  // namespace

bool is_valid_date(const Date& d) {
  return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= days_in_month(d.year, d.month);
}

std::optional<Date> parse_date(std::string_view text) { return parse_date_text(text, false); }

std::optional<DateTime> parse_date_time(std::string_view text) {
  // "dd-Mon-yyyy hh:mm:ss +zzzz": the time and zone parts have fixed width.
  if (text.size() < 25) return std::nullopt;
  const std::string_view zone = text.substr(text.size() - 5);
  const std::string_view time = text.substr(text.size() - 14, 8);
  if (text[text.size() - 6] != ' ' || text[text.size() - 15] != ' ') return std::nullopt;
  DateTime dt;
  auto date = parse_date_text(text.substr(0, text.size() - 15), true);
  if (!date) return std::nullopt;
  dt.date = *date;
  if (time[2] != ':' || time[5] != ':' || !fixed_digits(time.substr(0, 2), 2, dt.hour) ||
      !fixed_digits(time.substr(3, 2), 2, dt.minute) || !fixed_digits(time.substr(6, 2), 2, dt.second))
    return std::nullopt;
  if (dt.hour > 23 || dt.minute > 59 || dt.second > 60) return std::nullopt;
  int hh = 0, mm = 0;
  if ((zone[0] != '+' && zone[0] != '-') || !fixed_digits(zone.substr(1, 2), 2, hh) ||
      !fixed_digits(zone.substr(3, 2), 2, mm) || mm > 59)
    return std::nullopt;
  dt.zone_minutes = (zone[0] == '-' ? -1 : 1) * (hh * 60 + mm);
  return dt;
}

std::string format_date(const Date& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d-%s-%04d", d.day, kMonths[static_cast<std::size_t>(d.month - 1)].data(), d.year);
  return buf;
}

std::string format_date_time(const DateTime& dt) {
  char buf[64];
  const int z = dt.zone_minutes < 0 ? -dt.zone_minutes : dt.zone_minutes;
  std::snprintf(buf, sizeof buf, "%02d-%s-%04d %02d:%02d:%02d %c%02d%02d", dt.date.day,
                kMonths[static_cast<std::size_t>(dt.date.month - 1)].data(), dt.date.year, dt.hour,
                dt.minute, dt.second, dt.zone_minutes < 0 ? '-' : '+', z / 60, z % 60);
  return buf;
}

// Howard Hinnant's days_from_civil.
std::int64_t days_from_civil(const Date& d) {
  const std::int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (d.month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::int64_t to_unix_time(const DateTime& dt) {
  return days_from_civil(dt.date) * 86400 + dt.hour * 3600 + dt.minute * 60 + dt.second -
         static_cast<std::int64_t>(dt.zone_minutes) * 60;
}

DateTime from_unix_time(std::int64_t seconds, int zone_minutes) {
  const std::int64_t local = seconds + static_cast<std::int64_t>(zone_minutes) * 60;
  std::int64_t days = local / 86400;
  std::int64_t rem = local % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  // civil_from_days
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  DateTime dt;
  dt.date.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  dt.date.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  dt.date.year = static_cast<int>(yoe + era * 400 + (dt.date.month <= 2 ? 1 : 0));
  dt.hour = static_cast<int>(rem / 3600);
  dt.minute = static_cast<int>(rem % 3600 / 60);
  dt.second = static_cast<int>(rem % 60);
  dt.zone_minutes = zone_minutes;
  return dt;
}

}  // namespace postamt::imap::protocol
