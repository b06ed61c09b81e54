// Shared fixture for the store tests: a fresh data directory per test and a SQLite store on it.
#pragma once
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <string>

#include "store/mail_store.hpp"
#include "store/sqlite_store.hpp"

namespace postamt::store::testing {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("postamt-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = open_sqlite_store(dir_);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void reopen() {
    store_.reset();
    store_ = open_sqlite_store(dir_);
  }

  // Delivers `msg` to one mailbox of one account, returns the stored UID.
  std::uint32_t put(AccountId a, const std::string& msg, const std::string& mailbox = "INBOX",
                    std::vector<std::string> flags = {}) {
    Target t{a, mailbox, std::move(flags)};
    Changes ch;
    auto stored = store_->deliver(msg, NewMessage{1700000000, "(env)", "(body)"}, std::span<const Target>(&t, 1), ch);
    EXPECT_EQ(stored.size(), 1u);
    return stored.empty() ? 0 : stored[0].uid;
  }

  std::filesystem::path blob_file(AccountId a, const MessageInfo& m) { return store_->message_path(a, m); }
  static ino_t inode(const std::filesystem::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_ino;
  }
  std::size_t count_files(const std::filesystem::path& dir) {
    std::size_t n = 0;
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) return 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
      if (e.is_regular_file()) ++n;
    return n;
  }

  std::filesystem::path dir_;
  std::unique_ptr<MailStore> store_;
};

inline std::string message(const std::string& subject, const std::string& body = "Hello.\r\n") {
  return "Return-Path: <a@example.org>\r\nFrom: a@example.org\r\nSubject: " + subject + "\r\n\r\n" + body;
}

}  // namespace postamt::store::testing
