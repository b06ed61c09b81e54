// Files of the embedded store: data-directory layout, SHA-256 naming, durable temp files in DATA/tmp,
// hard links into accounts' blob directories, and blob removal that can be undone until commit.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.hpp"

namespace postamt::store {

// DATA/accounts/<id>/{index.sqlite,blobs/<aa>/<sha256>} and DATA/tmp (same filesystem, for link(2)).
class Layout {
 public:
  explicit Layout(std::filesystem::path data_dir) : data_(std::move(data_dir)) {}
  const std::filesystem::path& data_dir() const { return data_; }
  std::filesystem::path accounts_dir() const { return data_ / "accounts"; }
  std::filesystem::path account_dir(AccountId id) const { return accounts_dir() / std::to_string(id); }
  std::filesystem::path index_path(AccountId id) const { return account_dir(id) / "index.sqlite"; }
  std::filesystem::path blobs_dir(AccountId id) const { return account_dir(id) / "blobs"; }
  std::filesystem::path blob_path(AccountId id, std::string_view sha) const;
  std::filesystem::path tmp_dir() const { return data_ / "tmp"; }

 private:
  std::filesystem::path data_;
};

std::string sha256_hex(std::string_view data);
// Streams the file; sets `size`. Throws std::system_error if it cannot be read.
std::string sha256_file_hex(const std::filesystem::path& file, std::uint64_t& size);
bool is_sha256_hex(std::string_view name);  // 64 lower-case hex digits

// A file in DATA/tmp holding `data`, fsync'd; unlinked by the destructor unless release()d.
class TempFile {
 public:
  TempFile(const std::filesystem::path& tmp_dir, std::string_view prefix, std::string_view data);
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A unique name in `dir` starting with `prefix` (not created).
std::filesystem::path unique_name(const std::filesystem::path& dir, std::string_view prefix);

// Makes `target` a hard link to `source`, creating target's directory. Returns true when the link was
// created, false when `target` already existed with `expected_size` (reused). An existing file of another
// size is damaged and is atomically replaced (returns false: it was there before). Every directory that
// gained an entry is appended to `dirs_to_sync`.
bool link_blob(const std::filesystem::path& source, const std::filesystem::path& target, std::uint64_t expected_size,
               std::vector<std::filesystem::path>& dirs_to_sync);

void fsync_directories(std::vector<std::filesystem::path> dirs);  // deduplicated

// Blob files whose last index row goes away: moved aside into DATA/tmp while the account's write
// transaction is open (so no concurrent delivery can reuse them), unlinked by finish() after the commit,
// moved back by the destructor if the commit never happened.
class BlobRemoval {
 public:
  explicit BlobRemoval(std::filesystem::path tmp_dir) : tmp_(std::move(tmp_dir)) {}
  BlobRemoval(const BlobRemoval&) = delete;
  BlobRemoval& operator=(const BlobRemoval&) = delete;
  ~BlobRemoval();
  void stage(const std::filesystem::path& blob);  // missing files are ignored
  void finish();

 private:
  std::filesystem::path tmp_;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> moved_;  // original, aside
};

}  // namespace postamt::store
