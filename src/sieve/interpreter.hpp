// The Sieve interpreter state shared by the command/test handlers: actions and implicit keep
// (RFC 5228 §2.10.2), variables (RFC 5229), the internal flags variable (RFC 5232), the editable
// header (RFC 5293), include frames (RFC 6609) and runtime limits.
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sieve/ast.hpp"
#include "sieve/registry.hpp"

namespace postamt::sieve::detail {

struct RuntimeError {
  std::string message;
};
struct StopSignal {};    // stop: ends all scripts
struct ReturnSignal {};  // return (RFC 6609 §3.4): ends the current script

struct Frame {
  const Script* script = nullptr;
  std::map<std::string, std::string> locals;  // lower-cased names
  std::set<std::string> global_names;         // declared with `global`
};

class Interpreter {
 public:
  Interpreter(const MessageContext& m, RuntimeEnvironment& e, const ExecuteLimits& l);
  Result run(const Script& script);

  // Executes one script (main or included) in a fresh frame.
  void run_script(const Script& script);
  void run_block(const std::vector<Node>& commands);
  bool eval(const Node& test);

  // Strings: variable expansion when the current script uses "variables" (RFC 5229 §3).
  std::string expand(const std::string& s) const;
  std::vector<std::string> expand(const Value& v) const;
  std::string arg(const Node& n, std::size_t i) const { return expand(n.positional.at(i).str()); }
  std::vector<std::string> list(const Node& n, std::size_t i) const { return expand(n.positional.at(i)); }
  std::string tag_string(const Node& n, const std::string& tag) const;
  std::vector<std::string> tag_list(const Node& n, const std::string& tag) const;

  // Generic match of values against keys with the node's comparator/match type (RFC 5228 §2.7,
  // RFC 5231); sets match variables on a :matches / :regex success (RFC 5229 §3.2).
  bool match(const Node& n, const std::vector<std::string>& values, const std::vector<std::string>& keys);
  // Applies :index / :last (RFC 5260 §6) to one header's occurrences.
  static std::vector<std::string> apply_index(const MatchSpec& m, std::vector<std::string> values);

  // Variables
  const Script& script() const { return *frame_->script; }
  bool uses(const std::string& cap) const { return frame_ && frame_->script->uses(cap); }
  std::string get_var(const std::string& name) const;
  void set_var(const std::string& name, std::string value);
  void declare_global(const std::string& name);

  // Header fields as currently edited; values raw (unfolded).
  std::vector<std::pair<std::string, std::string>>& headers() { return headers_; }
  std::vector<std::string> header_values(const std::string& name) const;  // raw, unfolded, in order
  void headers_changed() { headers_edited_ = true; }

  // Actions
  void add_action(Action a, const Node& at);
  void cancel_implicit_keep() { implicit_keep_ = false; }
  std::vector<Action>& actions() { return actions_; }
  [[noreturn]] void fail(const Node& at, const std::string& message) const;
  void count_step(const Node& at);

  std::vector<std::string>& flags() { return flags_; }  // RFC 5232 internal variable
  void track_duplicate(std::string id, std::uint64_t seconds);

  const MessageContext& msg;
  RuntimeEnvironment& env;
  const ExecuteLimits& limits;
  std::set<std::string> included_once;  // RFC 6609 §3.2: every script included so far (for :once)
  std::size_t include_depth = 0;

 private:
  Frame* frame_ = nullptr;
  std::map<std::string, std::string> globals_;
  std::vector<std::string> match_vars_;
  std::vector<std::pair<std::string, std::string>> headers_;
  bool headers_edited_ = false;
  std::vector<Action> actions_;
  bool implicit_keep_ = true;
  std::vector<std::string> flags_;
  std::size_t steps_ = 0;
  std::size_t redirects_ = 0;
  Result result_;
};

}  // namespace postamt::sieve::detail
