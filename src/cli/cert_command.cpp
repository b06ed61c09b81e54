// postamt cert ca|csr|issue|self-signed|show: certificate tooling over cert/cert.hpp. Output files
// are never overwritten; errors are one line (exit 64 usage, 65 bad values, 66 bad input, 73 output).
#include <sysexits.h>

#include <charconv>
#include <cstdio>
#include <ctime>
#include <string>

#include "cert/cert.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"

namespace postamt::cli {
namespace {

int parse_days(const Args& args, int fallback) {
  auto text = args.get("--days");
  if (!text) return fallback;
  int days = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), days);
  if (ec != std::errc() || end != text->data() + text->size() || days < 1 || days > 36500)
    throw UsageError("--days must be a number of days, 1..36500");
  return days;
}

cert::KeyType parse_key(const Args& args) {
  cert::KeyType key = cert::KeyType::EcP256;
  if (auto text = args.get("--key-type"); text && !cert::parse_key_type(*text, key))
    throw UsageError("--key-type must be ec, rsa2048, rsa4096 or ed25519");
  return key;
}

std::vector<std::string> required_all(const Args& args, const std::string& name) {
  auto v = args.all(name);
  if (v.empty()) throw UsageError("missing " + name);
  return v;
}

void no_positionals(const Args& args) {
  if (!args.positional().empty()) throw UsageError("unexpected argument '" + args.positional()[0] + "'");
}

int cmd_ca(const Argv& argv) {
  Args args(argv, {{"--out-cert", "--out-key", "--cn", "--days", "--key-type"}, {}});
  no_positionals(args);
  cert::CaOptions opts;
  std::string out_cert = args.required("--out-cert"), out_key = args.required("--out-key");
  opts.common_name = args.get_or("--cn", opts.common_name);
  opts.days = parse_days(args, opts.days);
  opts.key = parse_key(args);
  cert::create_ca(out_cert, out_key, opts);
  std::printf("created CA certificate %s and key %s\n", out_cert.c_str(), out_key.c_str());
  return 0;
}

int cmd_csr(const Argv& argv) {
  Args args(argv, {{"--key", "--out", "--dns", "--cn", "--org", "--country", "--key-type"}, {}});
  no_positionals(args);
  cert::CsrOptions opts;
  std::string key = args.required("--key"), out = args.required("--out");
  opts.dns_names = required_all(args, "--dns");
  opts.common_name = args.get_or("--cn", "");
  opts.organization = args.get_or("--org", "");
  opts.country = args.get_or("--country", "");
  opts.key = parse_key(args);
  cert::create_csr(key, out, opts);
  std::printf("created key %s and certificate request %s (send the request to your CA)\n", key.c_str(), out.c_str());
  return 0;
}

cert::IssueOptions leaf_options(const Args& args) {
  cert::IssueOptions opts;
  opts.dns_names = required_all(args, "--dns");
  opts.ip_addresses = args.all("--ip");
  opts.common_name = args.get_or("--cn", "");
  opts.days = parse_days(args, opts.days);
  opts.key = parse_key(args);
  return opts;
}

int cmd_issue(const Argv& argv) {
  Args args(argv, {{"--ca-cert", "--ca-key", "--out-cert", "--out-key", "--dns", "--ip", "--cn", "--days", "--key-type"}, {}});
  no_positionals(args);
  std::string ca_cert = args.required("--ca-cert"), ca_key = args.required("--ca-key");
  std::string out_cert = args.required("--out-cert"), out_key = args.required("--out-key");
  cert::issue_server_cert(ca_cert, ca_key, out_cert, out_key, leaf_options(args));
  std::printf("created certificate %s and key %s, signed by %s\n", out_cert.c_str(), out_key.c_str(), ca_cert.c_str());
  return 0;
}

int cmd_self_signed(const Argv& argv) {
  Args args(argv, {{"--out-cert", "--out-key", "--dns", "--ip", "--cn", "--days", "--key-type"}, {}});
  no_positionals(args);
  std::string out_cert = args.required("--out-cert"), out_key = args.required("--out-key");
  cert::create_self_signed(out_cert, out_key, leaf_options(args));
  std::printf("created self-signed certificate %s and key %s\n", out_cert.c_str(), out_key.c_str());
  return 0;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

int cmd_show(const Argv& argv) {
  Args args(argv, {{"--key"}, {}});
  if (args.positional().size() != 1) throw UsageError("expected one certificate file");
  const std::string& file = args.positional()[0];
  cert::CertInfo info = cert::inspect(file);
  std::int64_t now = std::time(nullptr);
  std::string status = now > info.not_after_epoch    ? "EXPIRED"
                       : now < info.not_before_epoch ? "not yet valid"
                                                     : "valid, " + std::to_string((info.not_after_epoch - now) / 86400) +
                                                           " days left";
  std::printf("file:             %s\n", file.c_str());
  std::printf("subject:          %s\n", info.subject.c_str());
  std::printf("issuer:           %s\n", info.issuer.c_str());
  std::printf("dns names:        %s\n", join(info.dns_names).c_str());
  std::printf("ip addresses:     %s\n", join(info.ip_addresses).c_str());
  std::printf("not before:       %s\n", info.not_before.c_str());
  std::printf("not after:        %s (%s)\n", info.not_after.c_str(), status.c_str());
  std::printf("key type:         %s\n", info.key_type.c_str());
  std::printf("ca:               %s\n", info.is_ca ? "yes" : "no");
  std::printf("self-signed:      %s\n", info.self_signed ? "yes" : "no");
  std::printf("test certificate: %s\n",
              info.test_certificate ? "yes (postamt test CA; clients trust it only if told to)" : "no");
  std::printf("sha256:           %s\n", info.sha256_fingerprint.c_str());
  if (auto key = args.get("--key")) std::printf("key matches: %s\n", cert::key_matches(file, *key) ? "yes" : "no");
  return 0;
}

}  // namespace

int cmd_cert(const Argv& argv) {
  if (argv.empty()) throw UsageError("expected a subcommand: ca, csr, issue, self-signed or show");
  const std::string& sub = argv[0];
  Argv rest(argv.begin() + 1, argv.end());
  int (*fn)(const Argv&) = nullptr;
  if (sub == "ca") fn = cmd_ca;
  else if (sub == "csr") fn = cmd_csr;
  else if (sub == "issue") fn = cmd_issue;
  else if (sub == "self-signed") fn = cmd_self_signed;
  else if (sub == "show") fn = cmd_show;
  else throw UsageError("unknown subcommand '" + sub + "' (ca, csr, issue, self-signed, show)");
  try {
    return fn(rest);
  } catch (const cert::OutputExists& e) {
    std::fprintf(stderr, "postamt cert %s: %s\n", sub.c_str(), e.what());
    return EX_CANTCREAT;
  } catch (const cert::BadInput& e) {
    std::fprintf(stderr, "postamt cert %s: %s\n", sub.c_str(), e.what());
    return EX_NOINPUT;
  } catch (const cert::BadOptions& e) {
    std::fprintf(stderr, "postamt cert %s: %s\n", sub.c_str(), e.what());
    return EX_DATAERR;
  } catch (const cert::Error& e) {
    std::fprintf(stderr, "postamt cert %s: %s\n", sub.c_str(), e.what());
    return EX_CANTCREAT;  // the remaining failures are writing outputs or key generation
  }
}

}  // namespace postamt::cli
