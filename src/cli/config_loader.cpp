// CLI config loading with one-line error reports (see config_loader.hpp).
#include "cli/config_loader.hpp"

#include <cstdio>

namespace postamt::cli {

std::optional<config::Config> load_config_or_report(const std::string& path, const char* command) {
  try {
    return config::load(path);
  } catch (const config::Error& e) {
    std::fprintf(stderr, "postamt %s: %s\n", command, e.what());
    return std::nullopt;
  }
}

std::filesystem::path data_dir_from_config(const std::string& config_path) {
  return config::load(config_path).data_dir;
}

}  // namespace postamt::cli
