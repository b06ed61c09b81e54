// Blob files of the embedded store (see blob_files.hpp). Durability follows DESIGN.md: file fsync,
// then fsync of every directory that gained an entry, before the index rows are committed.
#include "store/blob_files.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <random>
#include <system_error>

#include "common/fs.hpp"
#include "common/log.hpp"

namespace postamt::store {
namespace {
[[noreturn]] void throw_errno(int e, const std::string& what) {
  throw std::system_error(e, std::generic_category(), what);
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) throw Error("sha256: init failed");
  }
  void update(const void* p, std::size_t n) {
    if (EVP_DigestUpdate(ctx_.get(), p, n) != 1) throw Error("sha256: update failed");
  }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), md, &len) != 1) throw Error("sha256: final failed");
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
      out += kDigits[md[i] >> 4];
      out += kDigits[md[i] & 15];
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx_;
};

bool file_size(const std::filesystem::path& p, std::uint64_t& size) {
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    throw_errno(errno, "stat " + p.string());
  }
  size = static_cast<std::uint64_t>(st.st_size);
  return true;
}

// mkdir that reports whether it created the directory (and so its parent needs an fsync).
bool make_dir(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0) return true;
  if (errno == EEXIST) {
    struct stat st;
    if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return false;
    throw_errno(ENOTDIR, "create directory " + dir.string());
  }
  throw_errno(errno, "create directory " + dir.string());
}
}  // namespace

std::filesystem::path Layout::blob_path(AccountId id, std::string_view sha) const {
  return blobs_dir(id) / std::string(sha.substr(0, 2)) / std::string(sha);
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data.data(), data.size());
  return h.hex();
}

std::string sha256_file_hex(const std::filesystem::path& file, std::uint64_t& size) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) throw_errno(errno, "open " + file.string());
  Sha256 h;
  size = 0;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      throw_errno(e, "read " + file.string());
    }
    if (n == 0) break;
    h.update(buf, static_cast<std::size_t>(n));
    size += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  return h.hex();
}

bool is_sha256_hex(std::string_view name) {
  return name.size() == 64 &&
         std::all_of(name.begin(), name.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::filesystem::path unique_name(const std::filesystem::path& dir, std::string_view prefix) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return dir / (std::string(prefix) + std::to_string(::getpid()) + "-" + std::to_string(rng()));
}

TempFile::TempFile(const std::filesystem::path& tmp_dir, std::string_view prefix, std::string_view data) {
  postamt::fs::create_directories(tmp_dir, 0700);
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    path_ = unique_name(tmp_dir, prefix);
    fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && (errno != EEXIST || attempt > 10)) throw_errno(errno, "create " + path_.string());
  }
  std::size_t off = 0;
  int err = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    off += static_cast<std::size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(path_.c_str());
    throw_errno(err, "write " + path_.string());
  }
}

TempFile::~TempFile() { ::unlink(path_.c_str()); }

bool link_blob(const std::filesystem::path& source, const std::filesystem::path& target, std::uint64_t expected_size,
               std::vector<std::filesystem::path>& dirs_to_sync) {
  auto dir = target.parent_path();
  auto blobs = dir.parent_path();
  if (make_dir(blobs)) dirs_to_sync.push_back(blobs.parent_path());
  if (make_dir(dir)) dirs_to_sync.push_back(blobs);
  std::uint64_t size = 0;
  if (file_size(target, size) && size == expected_size) return false;
  if (::link(source.c_str(), target.c_str()) == 0) {
    dirs_to_sync.push_back(dir);
    return true;
  }
  if (errno != EEXIST) throw_errno(errno, "link " + target.string());
  if (file_size(target, size) && size == expected_size) return false;  // another delivery just made it
  // A damaged file of the same name (wrong size): replace it atomically with the good content.
  log::warn("store_blob_replaced", {{"path", target.string()}, {"size", size}, {"expected", expected_size}});
  auto aside = unique_name(dir, ".replace-");
  if (::link(source.c_str(), aside.c_str()) != 0) throw_errno(errno, "link " + aside.string());
  if (::rename(aside.c_str(), target.c_str()) != 0) {
    int e = errno;
    ::unlink(aside.c_str());
    throw_errno(e, "rename " + target.string());
  }
  dirs_to_sync.push_back(dir);
  return false;
}

void fsync_directories(std::vector<std::filesystem::path> dirs) {
  std::sort(dirs.begin(), dirs.end());
  dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
  for (const auto& d : dirs) postamt::fs::fsync_directory(d);
}

void BlobRemoval::stage(const std::filesystem::path& blob) {
  postamt::fs::create_directories(tmp_, 0700);
  auto aside = unique_name(tmp_, "removed-" + blob.filename().string() + "-");
  if (::rename(blob.c_str(), aside.c_str()) != 0) {
    if (errno == ENOENT) return;
    throw_errno(errno, "rename " + blob.string());
  }
  moved_.emplace_back(blob, aside);
}

void BlobRemoval::finish() {
  for (const auto& [original, aside] : moved_) ::unlink(aside.c_str());
  moved_.clear();
}

BlobRemoval::~BlobRemoval() {
  for (const auto& [original, aside] : moved_) {
    if (::rename(aside.c_str(), original.c_str()) != 0)
      log::error("store_blob_restore_failed", {{"path", original.string()}, {"aside", aside.string()}});
  }
}

}  // namespace postamt::store
