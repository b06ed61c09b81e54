// The authenticated-state script commands of RFC 5804: HAVESPACE (§2.5), PUTSCRIPT (§2.6), LISTSCRIPTS
// (§2.7), SETACTIVE (§2.8), GETSCRIPT (§2.9), DELETESCRIPT (§2.10), RENAMESCRIPT (§2.11) and CHECKSCRIPT
// (§2.12), over the account's store::SieveScripts. Response codes from §1.3.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "common/offload.hpp"
#include "managesieve/commands.hpp"
#include "managesieve/response.hpp"
#include "managesieve/script_rules.hpp"
#include "managesieve/session.hpp"
#include "store/sieve_scripts.hpp"

namespace postamt::managesieve {
namespace {

// What a command learns from (or does to) the store in one offloaded step: a refusal, or data.
struct Outcome {
  std::optional<Refusal> refusal;
  std::string data;
  std::vector<store::SieveScriptInfo> list;
};

Refusal nonexistent(std::string_view name) {
  return {"There is no script named \"" + std::string(name.substr(0, 128)) + "\"", code::kNonexistent};
}

const store::SieveScriptInfo* find(const std::vector<store::SieveScriptInfo>& list, std::string_view name) {
  auto it = std::find_if(list.begin(), list.end(), [&](const auto& i) { return i.name == name; });
  return it == list.end() ? nullptr : &*it;
}

// RFC 5804 §1.6 names: the store's rule (1..128 octets, no control characters).
void check_name(std::string_view name) {
  if (auto e = store::sieve_script_name_error(name)) throw No{"Invalid script name: " + *e};
}

// Runs f(store::SieveScripts&) -> Outcome on the worker pool for the session's account, and turns a
// refusal into NO. Store failures (a locked or broken index) answer NO (TRYLATER).
template <class F>
asio::awaitable<Outcome> with_scripts(Session& s, F f) {
  std::optional<Outcome> out;
  std::string error;
  try {
    out = co_await offload([&s, &f] {
      store::SieveScripts scripts(s.conn().config.data_dir, s.account());
      return f(scripts);
    });
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (!out) {
    s.log().error("sieve_store_failed", {{"user", s.user()}, {"error", error}});
    throw No{"Script storage failed, try again later", code::kTryLater};
  }
  if (out->refusal) throw No{std::move(out->refusal->text), out->refusal->code};
  co_return std::move(*out);
}

}  // namespace

asio::awaitable<void> cmd_havespace(Session& s, const Command& c) {
  constexpr std::string_view kUsage = "HAVESPACE <name> <size>";
  expect_arguments(c, 2, 2, kUsage);
  const std::string& name = string_argument(c, 0, kUsage);
  if (c.args[1].kind != Argument::Kind::Number) throw No{"Syntax: " + std::string(kUsage) + " (size is a number)", {}, true};
  check_name(name);
  const std::size_t size = c.args[1].number;
  const ScriptLimits limits = s.limits();
  co_await with_scripts(s, [&](store::SieveScripts& scripts) {
    auto list = scripts.list();
    return Outcome{space_refusal(limits, size, find(list, name) != nullptr, list.size()), {}, {}};
  });
  s.send(ok("Putscript would succeed"));
}

asio::awaitable<void> cmd_putscript(Session& s, const Command& c) {
  constexpr std::string_view kUsage = "PUTSCRIPT <name> <script>";
  expect_arguments(c, 2, 2, kUsage);
  const std::string& name = string_argument(c, 0, kUsage);
  const std::string& source = string_argument(c, 1, kUsage);
  check_name(name);
  // §2.6: "A script of zero length SHOULD be disallowed."
  if (source.empty()) throw No{"The script is empty"};
  const ScriptLimits limits = s.limits();
  if (auto r = space_refusal(limits, source.size(), true, 0)) throw No{r->text, r->code};
  // §2.6: a script that fails validation is refused with the line of the first error, never stored.
  auto errors = co_await offload([&source] { return script_errors(source); });
  if (errors) throw No{*errors};
  co_await with_scripts(s, [&](store::SieveScripts& scripts) {
    auto list = scripts.list();
    if (auto r = space_refusal(limits, source.size(), find(list, name) != nullptr, list.size()))
      return Outcome{std::move(r), {}, {}};
    scripts.put(name, source);
    return Outcome{};
  });
  s.log().info("sieve_put", {{"user", s.user()}, {"script", name}, {"size", source.size()}});
  s.send(ok("Script stored"));
}

asio::awaitable<void> cmd_checkscript(Session& s, const Command& c) {
  constexpr std::string_view kUsage = "CHECKSCRIPT <script>";
  expect_arguments(c, 1, 1, kUsage);
  const std::string& source = string_argument(c, 0, kUsage);
  // §2.12: validity only, no quota check.
  auto errors = co_await offload([&source] { return script_errors(source); });
  if (errors) throw No{*errors};
  s.send(ok("Script is valid"));
}

asio::awaitable<void> cmd_listscripts(Session& s, const Command& c) {
  expect_arguments(c, 0, 0, "LISTSCRIPTS");
  auto out = co_await with_scripts(s, [](store::SieveScripts& scripts) {
    Outcome o;
    o.list = scripts.list();
    return o;
  });
  // §2.7: one name per line, the active one followed by the atom ACTIVE.
  std::string lines;
  for (const auto& info : out.list) lines += string_token(info.name) + (info.active ? " ACTIVE\r\n" : "\r\n");
  s.send(lines);
  s.send(ok("Listscripts completed"));
}

asio::awaitable<void> cmd_setactive(Session& s, const Command& c) {
  constexpr std::string_view kUsage = "SETACTIVE <name>";
  expect_arguments(c, 1, 1, kUsage);
  const std::string& name = string_argument(c, 0, kUsage);
  co_await with_scripts(s, [&](store::SieveScripts& scripts) {
    // §2.8: "" deactivates (OK even when nothing was active).
    if (name.empty()) {
      scripts.deactivate();
      return Outcome{};
    }
    if (!scripts.get(name)) return Outcome{nonexistent(name), {}, {}};
    scripts.activate(name);
    return Outcome{};
  });
  s.log().info("sieve_activate", {{"user", s.user()}, {"script", name}});
  s.send(ok(name.empty() ? "No script is active now" : "Script activated"));
}

asio::awaitable<void> cmd_getscript(Session& s, const Command& c) {
  constexpr std::string_view kUsage = "GETSCRIPT <name>";
  expect_arguments(c, 1, 1, kUsage);
  const std::string& name = string_argument(c, 0, kUsage);
  auto out = co_await with_scripts(s, [&](store::SieveScripts& scripts) {
    auto source = scripts.get(name);
    if (!source) return Outcome{nonexistent(name), {}, {}};
    return Outcome{std::nullopt, std::move(*source), {}};
  });
  // §2.9: the script as a string (always a literal, so it comes back byte for byte), CRLF, OK.
  s.send("{" + std::to_string(out.data.size()) + "}\r\n");
  s.send(out.data);
  s.send("\r\n");
  s.send(ok("Getscript completed"));
}

asio::awaitable<void> cmd_deletescript(Session& s, const Command& c) {
  constexpr std::string_view kUsage = "DELETESCRIPT <name>";
  expect_arguments(c, 1, 1, kUsage);
  const std::string& name = string_argument(c, 0, kUsage);
  co_await with_scripts(s, [&](store::SieveScripts& scripts) {
    auto list = scripts.list();
    const auto* info = find(list, name);
    if (!info) return Outcome{nonexistent(name), {}, {}};
    // §2.10: the active script cannot be deleted; SETACTIVE "" first.
    if (info->active)
      return Outcome{Refusal{"You may not delete the active script; deactivate it first", code::kActive}, {}, {}};
    scripts.remove(name);
    return Outcome{};
  });
  s.log().info("sieve_delete", {{"user", s.user()}, {"script", name}});
  s.send(ok("Script deleted"));
}

asio::awaitable<void> cmd_renamescript(Session& s, const Command& c) {
  constexpr std::string_view kUsage = "RENAMESCRIPT <old name> <new name>";
  expect_arguments(c, 2, 2, kUsage);
  const std::string& from = string_argument(c, 0, kUsage);
  const std::string& to = string_argument(c, 1, kUsage);
  check_name(to);
  co_await with_scripts(s, [&](store::SieveScripts& scripts) {
    auto list = scripts.list();
    if (!find(list, from)) return Outcome{nonexistent(from), {}, {}};
    // §2.11: NO (ALREADYEXISTS) when the new name is taken; the active mark moves with the script.
    if (find(list, to))
      return Outcome{Refusal{"A script named \"" + to + "\" already exists", code::kAlreadyExists}, {}, {}};
    scripts.rename(from, to);
    return Outcome{};
  });
  s.log().info("sieve_rename", {{"user", s.user()}, {"script", from}, {"to", to}});
  s.send(ok("Script renamed"));
}

}  // namespace postamt::managesieve
