// postamt dkim keygen|sign|verify: DKIM keys under DATA/dkim/<domain>/<selector>.key and the TXT record
// to publish (RFC 6376 §3.6.1, RFC 8463 §4); signing stdin; verifying stdin against DNS, or against a
// record given with --record before it is published. Exit 0 ok, 1 verification failed, 64 usage.
#include <sysexits.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_loader.hpp"
#include "common/fs.hpp"
#include "mailauth/dkim/dkim.hpp"
#include "mailauth/static_resolver.hpp"
#include "mailauth/system_resolver.hpp"

namespace postamt::cli {
namespace {

namespace dkim = mailauth::dkim;
constexpr std::size_t kMaxMessage = 64u << 20;

std::string read_stdin() {
  std::string data;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
    data.append(buf, n);
    if (data.size() > kMaxMessage) throw UsageError("message on stdin is larger than 64 MiB");
  }
  return data;
}

bool valid_label_name(const std::string& s) {  // domain or selector: LDH labels separated by dots
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.back() == '.' || s.find("..") != std::string::npos)
    return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'))
      return false;
  return true;
}

dkim::Algorithm parse_type(const Args& args) {
  std::string t = args.get_or("--type", "rsa");
  if (t == "rsa") return dkim::Algorithm::RsaSha256;
  if (t == "ed25519") return dkim::Algorithm::Ed25519Sha256;
  throw UsageError("--type must be rsa or ed25519");
}

std::string default_selector(dkim::Algorithm alg) {
  return alg == dkim::Algorithm::RsaSha256 ? "postamt" : "postamt-ed25519";
}

std::filesystem::path key_path(const std::filesystem::path& data, const std::string& domain, const std::string& sel) {
  return data / "dkim" / domain / (sel + ".key");
}

// A TXT value in zone-file form: character-strings of at most 255 bytes (RFC 1035 §3.3).
std::string zone_strings(const std::string& value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); i += 255) out += (i ? " \"" : "\"") + value.substr(i, 255) + "\"";
  return out;
}

int keygen(const Args& args) {
  const auto& pos = args.positional();
  if (pos.size() != 2) throw UsageError("expected one domain");
  std::string domain = pos[1];
  if (!valid_label_name(domain)) throw UsageError("'" + domain + "' is not a domain name");
  auto alg = parse_type(args);
  std::string selector = args.get_or("--selector", default_selector(alg));
  if (!valid_label_name(selector)) throw UsageError("'" + selector + "' is not a valid selector");
  int bits = 2048;
  if (auto b = args.get("--bits")) {
    auto [end, ec] = std::from_chars(b->data(), b->data() + b->size(), bits);
    if (ec != std::errc() || end != b->data() + b->size() || bits < 1024 || bits > 4096)
      throw UsageError("--bits must be 1024..4096");
  }
  auto cfg = load_config_or_report(args.required("-c"), "dkim");
  if (!cfg) return EX_CONFIG;
  auto path = key_path(cfg->data_dir, domain, selector);
  if (std::filesystem::exists(path)) {
    std::fprintf(stderr, "postamt dkim: %s exists; choose another --selector (keys are never overwritten)\n",
                 path.c_str());
    return EX_CANTCREAT;
  }
  auto key = dkim::generate(alg, domain, selector, bits);
  fs::create_directories(path.parent_path(), 0700);
  fs::write_file_durably(path, key.private_key_pem, 0600);
  std::printf("key: %s\n", path.c_str());
  std::printf("publish this DNS record:\n%s. IN TXT %s\n", key.record_name.c_str(), zone_strings(key.record_value).c_str());
  return EX_OK;
}

int sign(const Args& args) {
  std::string domain = args.required("--domain");
  if (!valid_label_name(domain)) throw UsageError("'" + domain + "' is not a domain name");
  std::filesystem::path path;
  std::string selector = args.get_or("--selector", "");
  if (auto k = args.get("--key")) {
    path = *k;
    if (selector.empty()) throw UsageError("--key needs --selector");
  } else {
    auto cfg = load_config_or_report(args.required("-c"), "dkim");
    if (!cfg) return EX_CONFIG;
    if (selector.empty()) selector = default_selector(parse_type(args));
    path = key_path(cfg->data_dir, domain, selector);
  }
  std::string pem;
  try {
    pem = fs::read_file(path);
  } catch (const std::exception&) {
    std::fprintf(stderr, "postamt dkim: cannot read key %s (run `postamt dkim keygen %s`)\n", path.c_str(),
                 domain.c_str());
    return EX_NOINPUT;
  }
  auto key = dkim::load_private_key(pem);
  dkim::SignOptions opts;
  opts.domain = domain;
  opts.selector = selector;
  std::string message = read_stdin();
  std::string field;
  try {
    field = dkim::sign(message, key.get(), opts);
  } catch (const dkim::Error& e) {
    std::fprintf(stderr, "postamt dkim: %s\n", e.what());
    return EX_DATAERR;
  }
  std::fwrite(field.data(), 1, field.size(), stdout);
  std::fwrite(message.data(), 1, message.size(), stdout);
  return EX_OK;
}

int verify(const Args& args) {
  mailauth::SystemResolver system;
  mailauth::StaticResolver resolver(&system);
  for (const auto& rec : args.all("--record")) {
    auto eq = rec.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError("--record must be NAME=TXT-VALUE");
    resolver.add_txt(rec.substr(0, eq), rec.substr(eq + 1));
  }
  std::string error;
  auto message = mailauth::parse_message(read_stdin(), &error);
  if (!message) {
    std::fprintf(stderr, "postamt dkim: %s\n", error.c_str());
    return EX_DATAERR;
  }
  auto results = dkim::verify(*message, resolver);
  if (results.empty()) std::printf("dkim=none (message not signed)\n");
  bool any_pass = false;
  for (const auto& v : results) {
    any_pass |= v.result == dkim::Result::Pass;
    std::printf("dkim=%s d=%s s=%s a=%s%s%s%s\n", dkim::to_string(v.result), v.domain.c_str(), v.selector.c_str(),
                v.algorithm.c_str(), v.reason.empty() ? "" : " (", v.reason.c_str(), v.reason.empty() ? "" : ")");
  }
  return any_pass ? EX_OK : 1;
}

}  // namespace

int cmd_dkim(const Argv& argv) {
  Args args(argv, {{"-c", "--selector", "--type", "--bits", "--domain", "--key", "--record"}, {}});
  const auto& pos = args.positional();
  if (pos.empty()) throw UsageError("expected a subcommand: keygen, sign or verify");
  if (pos[0] == "keygen") return keygen(args);
  if (pos.size() != 1) throw UsageError("unexpected argument '" + pos[1] + "'");
  if (pos[0] == "sign") return sign(args);
  if (pos[0] == "verify") return verify(args);
  throw UsageError("unknown subcommand '" + pos[0] + "'");
}

}  // namespace postamt::cli
