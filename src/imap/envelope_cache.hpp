// Process-wide cache of each message content's ENVELOPE and BODYSTRUCTURE (RFC 9051 §7.5.2), keyed by
// the content hash: a blob never changes, so every session (and every copy of a message) shares one entry
// and a selected session keeps only UID, flags, modseq, date, size and hash per message.
#pragma once
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/types.hpp"

namespace postamt::imap {

struct CachedStructure {
  std::string envelope, bodystructure;
};

// Least recently used entries go first once the byte bound is passed. Thread-safe (store work runs on
// offload threads, FETCH on the session's).
class EnvelopeCache {
 public:
  static constexpr std::size_t kDefaultMaxBytes = 32 * 1024 * 1024;

  explicit EnvelopeCache(std::size_t max_bytes = kDefaultMaxBytes) : max_bytes_(max_bytes) {}
  EnvelopeCache(const EnvelopeCache&) = delete;
  EnvelopeCache& operator=(const EnvelopeCache&) = delete;

  // The one cache of this process.
  static EnvelopeCache& shared();

  // Keeps `value` for `blob` (an existing entry only becomes the most recent one); empty values are not kept.
  void put(std::string_view blob, CachedStructure value);
  // The entry for `blob` (now the most recent one), or nullptr.
  std::shared_ptr<const CachedStructure> get(std::string_view blob);

  std::size_t entries() const;
  std::size_t bytes() const;

 private:
  struct Node {
    std::string blob;
    std::shared_ptr<const CachedStructure> value;
    std::size_t cost;
  };
  void evict_locked();

  const std::size_t max_bytes_;
  mutable std::mutex mu_;
  std::size_t bytes_ = 0;
  std::list<Node> lru_;  // front: most recently used
  std::unordered_map<std::string_view, std::list<Node>::iterator> index_;  // views into lru_'s blob
};

// Moves every message's envelope and bodystructure into `cache` and leaves the strings empty (and
// unallocated), as a selected session keeps them.
void move_structures_to(EnvelopeCache& cache, std::vector<store::MessageInfo>& messages);

}  // namespace postamt::imap
