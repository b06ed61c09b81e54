// IMAP dates ("1-Feb-1994", SEARCH keys) and date-times ("17-Jul-1996 02:44:25 -0700",
// INTERNALDATE / APPEND): strict parsing, formatting and conversion to Unix time.
// RFC 9051 §9 (date, date-text, date-time, zone).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postamt::imap::protocol {

struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31, valid for the month
  auto operator<=>(const Date&) const = default;
};

struct DateTime {
  Date date;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int zone_minutes = 0;  // minutes east of UTC (-0700 -> -420)
  bool operator==(const DateTime&) const = default;
};

// date-text (no DQUOTEs): date-day "-" date-month "-" date-year.
std::optional<Date> parse_date(std::string_view text);
// date-time without its DQUOTEs: date-day-fixed "-" date-month "-" date-year SP time SP zone.
std::optional<DateTime> parse_date_time(std::string_view text);

std::string format_date(const Date& d);           // "1-Feb-1994"
std::string format_date_time(const DateTime& dt);  // "17-Jul-1996 02:44:25 -0700" (caller quotes)

std::int64_t to_unix_time(const DateTime& dt);  // seconds since the epoch, UTC
DateTime from_unix_time(std::int64_t seconds, int zone_minutes = 0);
std::int64_t days_from_civil(const Date& d);    // days since 1970-01-01
bool is_valid_date(const Date& d);

}  // namespace postamt::imap::protocol
