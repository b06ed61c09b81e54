// Several processes delivering into the same accounts at once (SQLite write locks + busy timeout):
// every delivery lands once, UIDs are unique and ascending, the store stays consistent.
#include <sys/wait.h>

#include <fstream>

#include "store_fixture.hpp"

namespace postamt::store::testing {
namespace {

TEST_F(StoreTest, ConcurrentProcessesDeliverWithoutLossOrDuplicates) {
  store_->create_account(1);
  store_->create_account(2);
  constexpr int kProcesses = 4, kEach = 8;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int rc = 0;
      try {
        auto store = open_sqlite_store(dir_);
        for (int i = 0; i < kEach; ++i) {
          // Half the messages are identical across processes: the blob is shared and reused.
          auto text = i % 2 ? message("same " + std::to_string(i)) : message("p" + std::to_string(p) + " m" + std::to_string(i));
          std::vector<Target> targets{{1, "INBOX", {}}, {2, "INBOX", {}}};
          Changes ch;
          if (store->deliver(text, NewMessage{1, "", ""}, targets, ch).size() != 2) rc = 2;
        }
        // Expunging races with other processes' deliveries of the same content.
        auto mine = store->messages(2, "INBOX");
        std::vector<std::uint32_t> uids;
        for (const auto& m : mine)
          if (m.uid % kProcesses == static_cast<std::uint32_t>(p)) uids.push_back(m.uid);
        Changes ch;
        store->expunge(2, "INBOX", uids, ch);
      } catch (const std::exception& e) {
        std::ofstream(dir_ / ("child-error-" + std::to_string(p))) << e.what();
        rc = 1;
      }
      ::_exit(rc);
    }
    children.push_back(pid);
  }
  for (auto pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child failed, see " << dir_;
  }
  auto msgs = store_->messages(1, "INBOX");
  ASSERT_EQ(msgs.size(), static_cast<std::size_t>(kProcesses * kEach));
  for (std::size_t i = 0; i < msgs.size(); ++i) EXPECT_EQ(msgs[i].uid, i + 1);
  for (const auto& m : msgs) EXPECT_EQ(store_->read_message(1, m).size(), m.size);
  for (const auto& m : store_->messages(2, "INBOX")) EXPECT_EQ(store_->read_message(2, m).size(), m.size);
  auto report = store_->fsck(false);
  EXPECT_TRUE(report.problems.empty()) << report.problems.size() << " problems, first: "
                                       << (report.problems.empty() ? "" : report.problems[0].detail);
}

}  // namespace
}  // namespace postamt::store::testing
