// postamt init DIR --hostname H [--domain D] [--port-offset N] [--user ADDR] [--address IP]:
// creates a data directory: commented postamt.toml, test CA + server certificate, the databases,
// optionally a first domain and user (whose generated password is printed once).
#include <sysexits.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "cert/cert.hpp"
#include "cli/account_hooks.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "common/config.hpp"
#include "common/fs.hpp"
#include "directory/directory.hpp"
#include "directory/password.hpp"

namespace postamt::cli {
namespace {
namespace stdfs = std::filesystem;

void create_data_dir(const stdfs::path& dir, const config::InitOptions& opts, const std::string& domain,
                     const std::string& user) {
  fs::create_directories(dir, 0750);
  fs::create_directories(dir / "tls", 0700);
  fs::create_directories(dir / "accounts", 0750);
  fs::write_file_durably(dir / "postamt.toml", config::default_file(opts), 0640);

  cert::CaOptions ca;
  ca.common_name = "postamt test CA for " + opts.hostname;
  cert::create_ca(dir / "tls/ca.crt", dir / "tls/ca.key", ca);
  cert::IssueOptions leaf;
  leaf.dns_names.push_back(opts.hostname);
  if (opts.hostname != "localhost") leaf.dns_names.push_back("localhost");
  leaf.ip_addresses = {"127.0.0.1", "::1"};
  cert::issue_server_cert(dir / "tls/ca.crt", dir / "tls/ca.key", dir / "tls/server.crt", dir / "tls/server.key",
                          leaf);

  auto directory = directory::Directory::open(dir);
  if (!domain.empty()) directory.add_domain(domain);
  if (!user.empty()) {
    std::string password = directory::generate_password();
    auto u = directory.add_user(user, directory::hash_password(password));
    on_user_created(dir, u.id);
    std::printf("user %s password: %s   (shown once; change it with `postamt user passwd`)\n",
                u.address.c_str(), password.c_str());
  }
}
}  // namespace

int cmd_init(const Argv& argv) {
  Args args(argv, {{"--hostname", "--domain", "--port-offset", "--user", "--address"}, {}});
  if (args.positional().size() != 1) throw UsageError("expected one data directory");
  stdfs::path dir = stdfs::absolute(args.positional()[0]);
  config::InitOptions opts;
  opts.hostname = args.required("--hostname");
  opts.address = args.get_or("--address", "127.0.0.1");
  try {
    opts.port_offset = std::stoi(args.get_or("--port-offset", "0"));
  } catch (const std::exception&) {
    throw UsageError("--port-offset must be a number");
  }
  if (opts.port_offset < 0 || opts.port_offset > 60000) throw UsageError("--port-offset must be 0..60000");
  std::string domain = args.get_or("--domain", "");
  std::string user = args.get_or("--user", "");
  if (!user.empty() && domain.empty() && user.find('@') != std::string::npos) domain = user.substr(user.find('@') + 1);

  if (stdfs::exists(dir / "postamt.toml")) {
    std::fprintf(stderr, "postamt init: %s already holds a postamt.toml; refusing to overwrite it\n",
                 dir.c_str());
    return EX_CANTCREAT;
  }
  bool existed = stdfs::exists(dir);
  if (existed && !stdfs::is_empty(dir)) {
    std::fprintf(stderr, "postamt init: %s exists and is not empty; choose a new directory\n", dir.c_str());
    return EX_CANTCREAT;
  }
  try {
    create_data_dir(dir, opts, domain, user);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "postamt init: %s\n", e.what());
    // Leave nothing half-made behind.
    std::error_code ec;
    if (existed) {
      for (const auto& entry : stdfs::directory_iterator(dir, ec)) stdfs::remove_all(entry.path(), ec);
    } else {
      stdfs::remove_all(dir, ec);
    }
    return EX_CANTCREAT;
  }
  std::printf("created %s\n", dir.c_str());
  std::printf("config: %s\n", (dir / "postamt.toml").c_str());
  std::printf("test CA: %s (clients must trust it, or replace tls/server.crt with a real certificate)\n",
              (dir / "tls/ca.crt").c_str());
  std::printf("start with: postamt serve -c %s\n", (dir / "postamt.toml").c_str());
  return 0;
}

}  // namespace postamt::cli
