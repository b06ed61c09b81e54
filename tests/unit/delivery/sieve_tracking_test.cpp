// store::SieveTracking: duplicate ids (RFC 7352) and vacation replies (RFC 5230 §4.2) with periods.
#include "store/sieve_tracking.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace postamt::store {
namespace {

TEST(SieveTracking, PeriodsAndCaseInsensitiveSenders) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "postamt-track-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  {
    SieveTracking t(sqlite::Database::open(tmpl + "/index.sqlite"));
    const std::int64_t now = 1'800'000'000;
    EXPECT_FALSE(t.duplicate_seen("h\x1fid", 3600, now));
    t.record_duplicate("h\x1fid", now);
    EXPECT_TRUE(t.duplicate_seen("h\x1fid", 3600, now + 3599));
    EXPECT_FALSE(t.duplicate_seen("h\x1fid", 3600, now + 3600));
    EXPECT_FALSE(t.duplicate_seen("other", 3600, now));

    t.record_vacation("Alice@Example.org", "h1", now);
    EXPECT_TRUE(t.vacation_sent("alice@example.org", "h1", 86400, now + 10));
    EXPECT_FALSE(t.vacation_sent("alice@example.org", "h2", 86400, now + 10));
    EXPECT_FALSE(t.vacation_sent("alice@example.org", "h1", 0, now + 10));  // RFC 6131 :seconds 0
    EXPECT_FALSE(t.vacation_sent("alice@example.org", "h1", 86400, now + 86400));
    t.prune(now + SieveTracking::kKeepSeconds + 1);
    EXPECT_FALSE(t.vacation_sent("alice@example.org", "h1", ~0ull, now + 10));
  }
  SieveTracking again(sqlite::Database::open(tmpl + "/index.sqlite"));  // migrations are idempotent
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace postamt::store
