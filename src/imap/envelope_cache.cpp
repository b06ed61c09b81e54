// The shared ENVELOPE / BODYSTRUCTURE cache (see envelope_cache.hpp).
#include "imap/envelope_cache.hpp"

#include <iterator>

namespace postamt::imap {
namespace {
// Bookkeeping per entry besides the strings: list node, map slot, control block (about).
constexpr std::size_t kEntryOverhead = 160;
}  // namespace

EnvelopeCache& EnvelopeCache::shared() {
  static EnvelopeCache cache;
  return cache;
}

void EnvelopeCache::put(std::string_view blob, CachedStructure value) {
  if (blob.empty() || (value.envelope.empty() && value.bodystructure.empty())) return;
  std::lock_guard lock(mu_);
  if (auto it = index_.find(blob); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  const std::size_t cost = blob.size() + value.envelope.size() + value.bodystructure.size() + kEntryOverhead;
  lru_.push_front(Node{std::string(blob), std::make_shared<const CachedStructure>(std::move(value)), cost});
  index_.emplace(std::string_view(lru_.front().blob), lru_.begin());
  bytes_ += cost;
  evict_locked();
}

std::shared_ptr<const CachedStructure> EnvelopeCache::get(std::string_view blob) {
  std::lock_guard lock(mu_);
  auto it = index_.find(blob);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->value;
}

void EnvelopeCache::evict_locked() {
  // The newest entry always stays, even when it alone is over the bound.
  while (bytes_ > max_bytes_ && lru_.size() > 1) {
    auto last = std::prev(lru_.end());
    index_.erase(std::string_view(last->blob));
    bytes_ -= last->cost;
    lru_.erase(last);
  }
}

std::size_t EnvelopeCache::entries() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

std::size_t EnvelopeCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

void move_structures_to(EnvelopeCache& cache, std::vector<store::MessageInfo>& messages) {
  for (auto& m : messages) {
    cache.put(m.blob, CachedStructure{std::move(m.envelope), std::move(m.bodystructure)});
    m.envelope = std::string();
    m.bodystructure = std::string();
  }
}

}  // namespace postamt::imap
