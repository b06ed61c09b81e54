// Script execution: control flow (RFC 5228 §3.1 if/elsif/else, §3.3 stop), action bookkeeping and
// implicit keep (§2.10.2, §2.10.3 duplicate actions, §2.10.6 runtime error -> keep, RFC 5429 §2.2
// reject conflicts, RFC 5230 §4.7), variable expansion (RFC 5229 §3), runtime limits.
#include "sieve/interpreter.hpp"

#include "common/strings.hpp"
#include "sieve/match.hpp"
#include "sieve/text.hpp"

namespace postamt::sieve {
namespace detail {

Interpreter::Interpreter(const MessageContext& m, RuntimeEnvironment& e, const ExecuteLimits& l)
    : msg(m), env(e), limits(l) {
  if (!m.parsed.fatal) headers_ = mime::header_fields(m.raw, m.parsed.root);
}

Result Interpreter::run(const Script& script) {
  Result r;
  try {
    try {
      run_script(script);
    } catch (const StopSignal&) {
    }
    if (implicit_keep_) {
      bool have_keep = false;
      for (const auto& a : actions_) have_keep = have_keep || a.kind == Action::Kind::Keep;
      if (!have_keep) {
        Action k;
        k.kind = Action::Kind::Keep;
        k.flags = flags_;  // RFC 5232 §3: implicit keep uses the internal variable's final value
        actions_.push_back(std::move(k));
      }
    }
    r.actions = std::move(actions_);
    r.headers_edited = headers_edited_;
    if (headers_edited_) r.header_fields = headers_;
    r.duplicate_ids = std::move(result_.duplicate_ids);
    r.duplicate_seconds = std::move(result_.duplicate_seconds);
  } catch (const RuntimeError& e) {
    // RFC 5228 §2.10.6: a runtime error cancels every action taken and falls back to keep.
    r = Result{};
    r.errors.push_back(e.message);
    Action k;
    k.kind = Action::Kind::Keep;
    r.actions.push_back(std::move(k));
  }
  return r;
}

void Interpreter::run_script(const Script& script) {
  Frame f;
  f.script = &script;
  Frame* saved = frame_;
  frame_ = &f;
  try {
    run_block(script.commands);
  } catch (const ReturnSignal&) {
  } catch (...) {
    frame_ = saved;
    throw;
  }
  frame_ = saved;
}

void Interpreter::run_block(const std::vector<Node>& commands) {
  const auto& reg = registry();
  bool chain_done = true;  // an if/elsif branch already ran (or no chain is open)
  for (const auto& c : commands) {
    count_step(c);
    if (c.name == "if") {
      chain_done = eval(c.tests.at(0));
      if (chain_done) run_block(c.block);
    } else if (c.name == "elsif") {
      if (!chain_done && eval(c.tests.at(0))) {
        chain_done = true;
        run_block(c.block);
      }
    } else if (c.name == "else") {
      if (!chain_done) run_block(c.block);
      chain_done = true;
    } else {
      auto it = reg.commands.find(c.name);
      if (it != reg.commands.end() && it->second.run) it->second.run(*this, c);
    }
  }
}

bool Interpreter::eval(const Node& t) {
  count_step(t);
  const auto& reg = registry();
  auto it = reg.tests.find(t.name);
  if (it == reg.tests.end() || !it->second.eval) fail(t, "unknown test '" + t.name + "'");
  return it->second.eval(*this, t);
}

void Interpreter::count_step(const Node& at) {
  if (++steps_ > limits.max_steps) fail(at, "script takes too many steps");
}

void Interpreter::fail(const Node& at, const std::string& message) const {
  std::string where = frame_ && frame_->script && frame_->script->name != "main" ? frame_->script->name + ":" : "";
  throw RuntimeError{where + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " + message};
}

// --- variables (RFC 5229 §3) -------------------------------------------------------------------

std::string Interpreter::expand(const std::string& s) const {
  if (!uses("variables") || s.find("${") == std::string::npos) return s;
  std::string out;
  std::size_t p = 0;
  while (p < s.size()) {
    if (s[p] == '$' && p + 1 < s.size() && s[p + 1] == '{') {
      std::size_t close = s.find('}', p + 2);
      if (close != std::string::npos) {
        std::string_view name(s.data() + p + 2, close - p - 2);
        bool numeric = !name.empty() && name.find_first_not_of("0123456789") == std::string_view::npos;
        bool ident = !name.empty();
        for (auto part : str::split(name, '.')) ident = ident && is_identifier(part);
        if (numeric) {
          std::size_t idx = name.size() > 4 ? 99999 : std::stoul(std::string(name));
          if (idx < match_vars_.size()) out += match_vars_[idx];
          p = close + 1;
          continue;
        }
        if (ident) {
          out += get_var(std::string(name));
          p = close + 1;
          continue;
        }
      }
    }
    out += s[p++];
  }
  return utf8_truncate(std::move(out), limits.max_variable_size * 16);
}

std::vector<std::string> Interpreter::expand(const Value& v) const {
  std::vector<std::string> out;
  out.reserve(v.strings.size());
  for (const auto& s : v.strings) out.push_back(expand(s));
  return out;
}

std::string Interpreter::tag_string(const Node& n, const std::string& tag) const {
  const Value* v = n.tag(tag);
  return v && !v->strings.empty() ? expand(v->str()) : std::string();
}

std::vector<std::string> Interpreter::tag_list(const Node& n, const std::string& tag) const {
  const Value* v = n.tag(tag);
  return v ? expand(*v) : std::vector<std::string>{};
}

std::string Interpreter::get_var(const std::string& raw_name) const {
  std::string name = str::to_lower(raw_name);
  const std::map<std::string, std::string>* m = nullptr;
  if (str::istarts_with(name, "global.")) {
    name = name.substr(7);
    m = &globals_;
  } else if (frame_ && frame_->global_names.count(name)) {
    m = &globals_;
  } else if (frame_) {
    m = &frame_->locals;
  }
  if (!m) return {};
  auto it = m->find(name);
  return it == m->end() ? std::string() : it->second;
}

void Interpreter::set_var(const std::string& raw_name, std::string value) {
  std::string name = str::to_lower(raw_name);
  std::map<std::string, std::string>* m = &frame_->locals;
  if (str::istarts_with(name, "global.")) {
    name = name.substr(7);
    m = &globals_;
  } else if (frame_->global_names.count(name)) {
    m = &globals_;
  }
  if (!m->count(name) && m->size() >= limits.max_variables) throw RuntimeError{"too many variables"};
  (*m)[name] = utf8_truncate(std::move(value), limits.max_variable_size);  // RFC 5229 §6
}

void Interpreter::declare_global(const std::string& name) { frame_->global_names.insert(str::to_lower(name)); }

// --- matching --------------------------------------------------------------------------------

std::vector<std::string> Interpreter::apply_index(const MatchSpec& m, std::vector<std::string> values) {
  if (m.index == 0) return values;
  if (m.index > values.size()) return {};
  std::size_t i = m.last ? values.size() - m.index : m.index - 1;
  return {values[i]};
}

bool Interpreter::match(const Node& n, const std::vector<std::string>& values, const std::vector<std::string>& keys) {
  const MatchSpec& m = n.match;
  if (m.type == MatchType::Count) {
    // RFC 5231 §4.2: the number of values, compared with each key as a decimal string.
    std::string count = std::to_string(values.size());
    for (const auto& k : keys)
      if (relation_holds(compare(count, k, m.comparator), m.relation)) return true;
    return false;
  }
  std::vector<std::string> caps;
  for (const auto& v : values) {
    for (const auto& k : keys) {
      bool ok = false;
      switch (m.type) {
        case MatchType::Is: ok = equals(v, k, m.comparator); break;
        case MatchType::Contains: ok = contains(v, k, m.comparator); break;
        case MatchType::Value: ok = relation_holds(compare(v, k, m.comparator), m.relation); break;
        case MatchType::Matches: ok = glob_match(v, k, m.comparator, uses("variables") ? &caps : nullptr); break;
        case MatchType::Regex: {
          std::string err;
          auto r = regex_match(v, k, m.comparator, uses("variables") ? &caps : nullptr, &err);
          if (!r) fail(n, err);
          ok = *r;
          break;
        }
        case MatchType::Count: break;
      }
      if (ok) {
        if ((m.type == MatchType::Matches || m.type == MatchType::Regex) && uses("variables")) {
          for (auto& c : caps) c = utf8_truncate(std::move(c), limits.max_variable_size);
          match_vars_ = std::move(caps);
        }
        return true;
      }
    }
  }
  return false;
}

std::vector<std::string> Interpreter::header_values(const std::string& name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : headers_)
    if (str::iequals(n, name)) out.push_back(v);
  return out;
}

// --- actions ---------------------------------------------------------------------------------

void Interpreter::add_action(Action a, const Node& at) {
  using K = Action::Kind;
  auto has = [&](K k) {
    for (const auto& x : actions_)
      if (x.kind == k) return true;
    return false;
  };
  const bool rejecting = has(K::Reject) || has(K::Ereject);
  if (a.kind == K::Reject || a.kind == K::Ereject) {
    // RFC 5429 §2.2 / RFC 5230 §4.7: reject conflicts with delivery, redirect and vacation.
    if (rejecting) fail(at, "more than one reject");
    if (has(K::Keep) || has(K::FileInto) || has(K::Redirect) || has(K::Vacation))
      fail(at, "reject cannot be combined with keep, fileinto, redirect or vacation");
  } else if (rejecting && a.kind != K::Discard) {
    fail(at, "reject cannot be combined with keep, fileinto, redirect or vacation");
  }
  if (a.kind == K::Vacation && has(K::Vacation)) fail(at, "vacation executed twice");  // RFC 5230 §4.7

  if (!(a.kind == K::FileInto && a.copy) && !(a.kind == K::Redirect && a.copy) && a.kind != K::Vacation)
    implicit_keep_ = false;
  // RFC 5228 §2.10.3: the same action on the same target is done once.
  for (auto& x : actions_) {
    if (x.kind != a.kind) continue;
    if (a.kind == K::Keep || a.kind == K::Discard) return;
    if (a.kind == K::FileInto && x.mailbox == a.mailbox) return;
    if (a.kind == K::Redirect && str::iequals(x.address, a.address)) return;
  }
  if (a.kind == K::Redirect && ++redirects_ > limits.max_redirects) fail(at, "too many redirects");
  if (actions_.size() >= limits.max_actions) fail(at, "too many actions");
  actions_.push_back(std::move(a));
}

void Interpreter::track_duplicate(std::string id, std::uint64_t seconds) {
  result_.duplicate_ids.push_back(std::move(id));
  result_.duplicate_seconds.push_back(seconds);
}

}  // namespace detail

Result execute(const Script& script, const MessageContext& message, RuntimeEnvironment& env, const ExecuteLimits& limits) {
  detail::Interpreter in(message, env, limits);
  return in.run(script);
}

bool NullEnvironment::mailbox_exists(std::string_view m) { return str::iequals(m, "INBOX"); }

}  // namespace postamt::sieve
