// DKIM signing of outbound mail at enqueue (RFC 6376 §5): key lookup by the From domain, one
// signature per key (RFC 8463 §4 recommends signing with both an RSA and an Ed25519 key).
#include "queue/dkim_signing.hpp"

#include <algorithm>

#include "common/fs.hpp"
#include "common/log.hpp"
#include "common/strings.hpp"
#include "mailauth/dkim/dkim.hpp"
#include "mailauth/message.hpp"

namespace postamt::queue {

DkimSigning dkim_sign(const std::filesystem::path& dkim_dir, std::string_view message) {
  DkimSigning out;
  auto parsed = mailauth::parse_message(message);
  if (!parsed) return out;
  auto domain = mailauth::from_domain(*parsed);  // RFC 7489 §3.1: d= aligned with the From domain
  if (!domain || domain->empty() || domain->find('/') != std::string::npos || domain->front() == '.') return out;
  std::error_code ec;
  std::filesystem::path dir = dkim_dir / *domain;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  std::vector<std::filesystem::path> keys;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.path().extension() == ".key" && entry.is_regular_file(ec)) keys.push_back(entry.path());
  // By selector, so the default "postamt" (RSA) comes before "postamt-ed25519"; any order verifies.
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.stem() < b.stem(); });
  if (keys.size() > kMaxDkimKeys) keys.resize(kMaxDkimKeys);
  for (const auto& path : keys) {
    std::string selector = path.stem().string();
    try {
      auto key = mailauth::dkim::load_private_key(fs::read_file(path));
      mailauth::dkim::SignOptions opts;
      opts.domain = *domain;
      opts.selector = selector;
      out.fields += mailauth::dkim::sign(message, key.get(), opts);
      out.selectors.push_back(selector);
    } catch (const std::exception& e) {
      out.errors.push_back(path.string() + ": " + e.what());
    }
  }
  if (!out.selectors.empty()) out.domain = *domain;
  return out;
}

void sign_for_queue(const std::filesystem::path& dkim_dir, std::string& message, std::string_view what) {
  if (dkim_dir.empty()) return;
  auto signing = dkim_sign(dkim_dir, message);
  for (const auto& e : signing.errors) log::error("dkim_sign_failed", {{"kind", what}, {"error", e}});
  if (signing.selectors.empty()) return;
  message.insert(0, signing.fields);
  std::string selectors;
  for (const auto& s : signing.selectors) selectors += (selectors.empty() ? "" : ",") + s;
  log::info("dkim_signed", {{"kind", what}, {"domain", signing.domain}, {"selectors", selectors}});
}

}  // namespace postamt::queue
