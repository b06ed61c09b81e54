// Consistency check of the SQLite store (`postamt fsck`): every index row has its blob file with the
// right size and SHA-256, every blob file has a row, no temp files are left in DATA/tmp.
// Repair: a missing or damaged file is restored from an identical good copy (another account's hard
// link or a leftover temp file) when one exists, otherwise its rows are removed (as expunges, so IMAP
// clients see VANISHED). Orphan files are deleted, not re-indexed: they only arise from a delivery that
// never committed (never acknowledged, so the sender retries) or an expunge interrupted after its commit.
// Old temp files are deleted. Each account is checked under its write lock, so concurrent deliveries
// are never mistaken for damage.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "common/fs.hpp"
#include "common/log.hpp"
#include "store/account_index.hpp"
#include "store/sqlite_store_impl.hpp"

namespace postamt::store {
namespace {
namespace sfs = std::filesystem;

// Temp files younger than this may belong to a delivery in progress in another process.
constexpr auto kTempGrace = std::chrono::minutes(15);

struct FileState {
  sfs::path path;
  std::uint64_t size = 0;
  std::string sha;  // empty if unreadable
};

std::optional<std::uint64_t> stat_size(const sfs::path& p) {
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return static_cast<std::uint64_t>(st.st_size);
}

FileState hash_file(const sfs::path& p) {
  FileState f;
  f.path = p;
  try {
    f.sha = sha256_file_hex(p, f.size);
  } catch (const std::exception&) {
    f.sha.clear();
  }
  return f;
}

bool parse_account(const std::string& name, AccountId& id) {
  if (name.empty() || name.size() > 18) return false;
  for (char c : name)
    if (c < '0' || c > '9') return false;
  id = std::stoll(name);
  return std::to_string(id) == name;
}

// Puts a hard link to `source` at `target` (replacing whatever is there) and makes it durable.
bool restore_link(const sfs::path& source, const sfs::path& target) {
  std::error_code ec;
  sfs::create_directories(target.parent_path(), ec);
  auto aside = unique_name(target.parent_path(), ".restore-");
  if (::link(source.c_str(), aside.c_str()) != 0) return false;
  if (::rename(aside.c_str(), target.c_str()) != 0) {
    ::unlink(aside.c_str());
    return false;
  }
  postamt::fs::fsync_directory(target.parent_path());
  return true;
}
}  // namespace

FsckReport SqliteStore::fsck(bool repair) {
  FsckReport report;
  auto problem = [&](AccountId a, std::string kind, std::string detail, bool repaired) {
    log::write(repaired ? log::Level::Info : log::Level::Warn, "store_fsck_problem",
               {{"account", a}, {"kind", kind}, {"detail", detail}, {"repaired", repaired ? "yes" : "no"}});
    report.problems.push_back({a, std::move(kind), std::move(detail), repaired});
  };

  // Good copies by content hash: any blob whose content matches its name, and old temp files.
  std::map<std::string, sfs::path> good;
  std::error_code ec;

  // Pass 1, without locks: find and hash every blob file of every account.
  std::map<AccountId, std::map<sfs::path, FileState>> files;
  std::vector<AccountId> accounts;
  if (sfs::is_directory(layout_.accounts_dir(), ec)) {
    for (const auto& entry : sfs::directory_iterator(layout_.accounts_dir(), ec)) {
      AccountId id;
      if (!entry.is_directory(ec) || !parse_account(entry.path().filename().string(), id)) continue;
      accounts.push_back(id);
      auto& inv = files[id];
      auto blobs = layout_.blobs_dir(id);
      if (!sfs::is_directory(blobs, ec)) continue;
      for (auto it = sfs::recursive_directory_iterator(blobs, ec); !ec && it != sfs::recursive_directory_iterator();
           it.increment(ec)) {
        if (it->is_directory(ec)) continue;
        auto state = hash_file(it->path());
        auto name = it->path().filename().string();
        if (!state.sha.empty() && state.sha == name) good.emplace(state.sha, it->path());
        inv.emplace(it->path(), std::move(state));
      }
    }
  }
  std::sort(accounts.begin(), accounts.end());
  report.accounts = accounts.size();

  std::vector<sfs::path> old_temps;
  if (sfs::is_directory(layout_.tmp_dir(), ec)) {
    auto cutoff = sfs::file_time_type::clock::now() - kTempGrace;
    for (const auto& entry : sfs::directory_iterator(layout_.tmp_dir(), ec)) {
      if (entry.last_write_time(ec) > cutoff || ec) continue;
      old_temps.push_back(entry.path());
      if (entry.is_regular_file(ec)) {
        auto state = hash_file(entry.path());
        if (!state.sha.empty()) good.emplace(state.sha, entry.path());
      }
    }
  }

  // Pass 2, per account under its write lock: compare rows with files, repair.
  for (auto account : accounts) {
    if (::access(layout_.index_path(account).c_str(), F_OK) != 0) {
      problem(account, "bad-index", layout_.account_dir(account).string() + " has no index.sqlite", false);
      continue;
    }
    try {
      auto d = db(account);
      {
        auto qc = d->prepare("PRAGMA quick_check");
        std::string result = qc.step() ? qc.text(0) : "no result";
        if (result != "ok") {
          problem(account, "bad-index", "index.sqlite: " + result, false);
          continue;
        }
      }
      BlobRemoval removal(layout_.tmp_dir());
      sqlite::Transaction tx(*d);
      struct RowRef {
        std::int64_t mailbox_id;
        std::string mailbox;
        std::uint32_t uid;
        std::uint64_t size;
      };
      std::map<std::string, std::vector<RowRef>> rows;  // by blob
      {
        auto st = d->prepare(
            "SELECT m.mailbox_id, b.name, m.uid, m.size, m.blob FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id "
            "ORDER BY m.mailbox_id, m.uid");
        while (st.step()) {
          rows[st.text(4)].push_back({st.int64(0), st.text(1), static_cast<std::uint32_t>(st.int64(2)),
                                      static_cast<std::uint64_t>(st.int64(3))});
          ++report.messages;
        }
      }
      auto& inv = files[account];
      report.files += inv.size();
      std::set<sfs::path> referenced;
      std::map<std::int64_t, std::vector<std::uint32_t>> to_remove;  // mailbox id -> uids

      for (const auto& [blob, refs] : rows) {
        auto describe = [&](const RowRef& r) {
          return "mailbox '" + r.mailbox + "' uid " + std::to_string(r.uid) + " blob " + blob;
        };
        if (!is_sha256_hex(blob)) {
          for (const auto& r : refs) {
            problem(account, "bad-index", describe(r) + ": not a SHA-256 name" + (repair ? "; row removed" : ""), repair);
            to_remove[r.mailbox_id].push_back(r.uid);
          }
          continue;
        }
        auto path = layout_.blob_path(account, blob);
        referenced.insert(path);
        auto expected = refs.front().size;
        // Under the lock now: re-examine (a delivery may have completed since pass 1).
        std::string kind;
        auto size = stat_size(path);
        if (!size) {
          kind = "missing-file";
        } else if (*size != expected) {
          kind = "size-mismatch";
          if (hash_file(path).sha == blob) {
            // The file is right (its content has its name); the index rows carry a wrong size.
            for (const auto& r : refs)
              problem(account, "bad-index", describe(r) + ": index says " + std::to_string(r.size) + " octets, file has " +
                                                std::to_string(*size) + (repair ? "; index corrected" : ""),
                      repair);
            if (repair) d->prepare("UPDATE messages SET size = ? WHERE blob = ?").bind(1, *size).bind(2, blob).run();
            continue;
          }
        } else {
          auto it = inv.find(path);
          std::string sha = (it != inv.end() && it->second.size == *size) ? it->second.sha : hash_file(path).sha;
          if (sha != blob) kind = "hash-mismatch";
        }
        if (kind.empty()) continue;
        std::string what = kind == "missing-file"    ? "file missing"
                           : kind == "size-mismatch" ? "file has " + std::to_string(*size) + " octets, expected " +
                                                           std::to_string(expected)
                                                     : "file content does not match its SHA-256";
        if (!repair) {
          for (const auto& r : refs) problem(account, kind, describe(r) + ": " + what, false);
          continue;
        }
        auto source = good.find(blob);
        if (source != good.end() && stat_size(source->second) == expected && restore_link(source->second, path)) {
          for (const auto& r : refs)
            problem(account, kind, describe(r) + ": " + what + "; restored from " + source->second.string(), true);
          continue;
        }
        for (const auto& r : refs) {
          problem(account, kind, describe(r) + ": " + what + "; message removed", true);
          to_remove[r.mailbox_id].push_back(r.uid);
        }
        if (size) removal.stage(path);
      }

      for (const auto& [path, state] : inv) {
        if (referenced.count(path)) continue;
        if (!stat_size(path)) continue;  // gone meanwhile
        problem(account, "orphan-file", path.string() + ": no index row" + (repair ? "; deleted" : ""), repair);
        if (repair) removal.stage(path);
      }

      if (repair) {
        for (const auto& [mailbox_id, uids] : to_remove) {
          auto modseq = index::next_modseq(*d, mailbox_id);
          index::remove_messages(*d, mailbox_id, uids, modseq);
        }
        tx.commit();
        removal.finish();
      }
    } catch (const std::exception& e) {
      problem(account, "bad-index", std::string("cannot check: ") + e.what(), false);
    }
  }

  for (const auto& t : old_temps) {
    if (repair) sfs::remove_all(t, ec);
    problem(0, "temp-file", t.string() + (repair ? ": deleted" : ": left over"), repair && !ec);
  }
  return report;
}

}  // namespace postamt::store
