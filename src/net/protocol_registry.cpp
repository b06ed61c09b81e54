// Process-wide protocol handler registry (see protocol_registry.hpp).
#include "net/protocol_registry.hpp"

#include <map>
#include <mutex>

namespace postamt::net {
namespace {
std::mutex g_mutex;
std::map<std::string, ProtocolEntry, std::less<>>& registry() {
  static std::map<std::string, ProtocolEntry, std::less<>> r;
  return r;
}
}  // namespace

void register_protocol(std::string name, ProtocolHandler handler, std::string busy_reply, std::string shutdown_reply) {
  std::lock_guard lock(g_mutex);
  registry()[std::move(name)] = ProtocolEntry{std::move(handler), std::move(busy_reply), std::move(shutdown_reply)};
}

void unregister_protocol(std::string_view name) {
  std::lock_guard lock(g_mutex);
  auto it = registry().find(name);
  if (it != registry().end()) registry().erase(it);
}

bool protocol_available(std::string_view name) {
  std::lock_guard lock(g_mutex);
  return registry().find(name) != registry().end();
}

std::optional<ProtocolEntry> find_protocol(std::string_view name) {
  std::lock_guard lock(g_mutex);
  auto it = registry().find(name);
  if (it == registry().end()) return std::nullopt;
  return it->second;
}

}  // namespace postamt::net
