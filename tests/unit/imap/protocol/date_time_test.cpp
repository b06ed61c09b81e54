// IMAP date and date-time: strict parsing, formatting and Unix time conversion.
#include "imap/protocol/date_time.hpp"

#include <gtest/gtest.h>

namespace postamt::imap::protocol {
namespace {

TEST(DateTime, ParseDate) {
  auto d = parse_date("1-Feb-1994");
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, (Date{1994, 2, 1}));
  EXPECT_EQ(parse_date("29-feb-2024"), (Date{2024, 2, 29}));
  for (const char* bad : {"", "29-Feb-2023", "31-Apr-2020", "0-Jan-2020", "1-Jan-20", "123-Jan-2020",
                          "1-January-2020", "1 Jan 2020", "1-Jan-2020 ", "x-Jan-2020"})
    EXPECT_FALSE(parse_date(bad)) << bad;
}

TEST(DateTime, ParseDateTime) {
  auto dt = parse_date_time("17-Jul-1996 02:44:25 -0700");
  ASSERT_TRUE(dt);
  EXPECT_EQ(dt->date, (Date{1996, 7, 17}));
  EXPECT_EQ(dt->hour, 2);
  EXPECT_EQ(dt->minute, 44);
  EXPECT_EQ(dt->second, 25);
  EXPECT_EQ(dt->zone_minutes, -420);
  EXPECT_TRUE(parse_date_time(" 5-Jul-1994 02:44:25 +0530"));  // date-day-fixed SP DIGIT
  EXPECT_EQ(parse_date_time("05-Jul-1994 02:44:25 +0530")->zone_minutes, 330);
  for (const char* bad : {"17-Jul-1996 02:44:25", "17-Jul-1996 24:00:00 +0000", "17-Jul-1996 02:60:00 +0000",
                          "17-Jul-1996 02:44:25 0700", "17-Jul-1996 02:44:25 +07000", "17-Jul-1996 2:44:25 +0000",
                          "17-Jul-1996T02:44:25 +0000", "32-Jul-1996 02:44:25 +0000", "17-Jul-1996 02:44:25 +0160"})
    EXPECT_FALSE(parse_date_time(bad)) << bad;
}

TEST(DateTime, FormatRoundTrip) {
  DateTime dt{{1996, 7, 17}, 2, 44, 25, -420};
  EXPECT_EQ(format_date_time(dt), "17-Jul-1996 02:44:25 -0700");
  EXPECT_EQ(parse_date_time(format_date_time(dt)), dt);
  EXPECT_EQ(format_date(Date{1994, 2, 1}), "1-Feb-1994");
  EXPECT_EQ(format_date_time(DateTime{{2024, 1, 5}, 0, 0, 0, 90}), "05-Jan-2024 00:00:00 +0130");
}

TEST(DateTime, UnixTime) {
  DateTime dt{{1996, 7, 17}, 2, 44, 25, -420};
  EXPECT_EQ(to_unix_time(dt), 837596665);
  EXPECT_EQ(to_unix_time(DateTime{{1970, 1, 1}, 0, 0, 0, 0}), 0);
  auto back = from_unix_time(837596665, -420);
  EXPECT_EQ(back, dt);
  EXPECT_EQ(from_unix_time(-1).date, (Date{1969, 12, 31}));
  EXPECT_EQ(from_unix_time(951782400).date, (Date{2000, 2, 29}));
}

}  // namespace
}  // namespace postamt::imap::protocol
