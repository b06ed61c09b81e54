// DKIM signatures for outbound mail of our own domains (RFC 6376 §5, rsa-sha256 and ed25519-sha256 of
// RFC 8463, relaxed/relaxed): one signature per key in DATA/dkim/<From domain>/<selector>.key (the
// store of `postamt dkim keygen`), made once, before the message enters the queue.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace postamt::queue {

struct DkimSigning {
  std::string fields;                  // "DKIM-Signature: ...\r\n" fields to prepend ("" when none)
  std::string domain;                  // d= (the RFC5322.From domain), "" when not signed
  std::vector<std::string> selectors;  // s= of each signature made
  std::vector<std::string> errors;     // keys that could not be used, in plain words (for the log)
};

// At most this many keys of one domain sign a message (RSA and Ed25519, plus one being rotated in).
inline constexpr std::size_t kMaxDkimKeys = 4;

// Signs `message` with the keys of its From domain under `dkim_dir` (DATA/dkim). A message without
// exactly one From address, or whose domain has no key directory, is left unsigned (empty result).
// Reads key files: call it from a worker thread.
DkimSigning dkim_sign(const std::filesystem::path& dkim_dir, std::string_view message);

// For mail that delivery writes itself (vacation replies, rejection notices; not redirected or
// alias-forwarded copies of others' mail, which would carry a forged From further with our key):
// signs `message` in place when `dkim_dir` is set (nothing when it is empty, or the From domain has
// no keys) and logs event=dkim_signed / dkim_sign_failed with kind=`what`.
void sign_for_queue(const std::filesystem::path& dkim_dir, std::string& message, std::string_view what);

}  // namespace postamt::queue
