// Command-line argument parsing for `postamt` subcommands: positionals, `--opt value`, `--opt=value`
// and boolean flags; an unknown option is a usage error.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace postamt::cli {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ArgSpec {
  std::set<std::string> value_options;  // e.g. {"-c", "--hostname"}
  std::set<std::string> flags;          // e.g. {"--repair"}
};

class Args {
 public:
  Args(const std::vector<std::string>& argv, const ArgSpec& spec);

  const std::vector<std::string>& positional() const { return positional_; }
  std::optional<std::string> get(const std::string& name) const;
  std::string get_or(const std::string& name, const std::string& fallback) const;
  std::string required(const std::string& name) const;  // throws UsageError naming the option
  std::vector<std::string> all(const std::string& name) const;
  bool flag(const std::string& name) const { return flags_.count(name) != 0; }

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> flags_;
};

}  // namespace postamt::cli
