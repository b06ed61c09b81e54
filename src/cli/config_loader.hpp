// Loading postamt.toml for CLI commands: one place that turns a config error into the one-line
// `file:line: message` report and exit code 78 (EX_CONFIG).
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "common/config.hpp"

namespace postamt::cli {

// Loads the config; on error prints `postamt <command>: file:line: message` to stderr and returns nullopt.
std::optional<config::Config> load_config_or_report(const std::string& path, const char* command);

// The data directory named by a config file (config::load(path).data_dir); throws config::Error.
std::filesystem::path data_dir_from_config(const std::string& config_path);

}  // namespace postamt::cli
