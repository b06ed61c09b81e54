// Small I/O steps every protocol session needs: writing its buffered replies, waiting (auth-failure
// delays), and reading one line where an over-long line is a protocol error rather than the end.
#pragma once
#include <chrono>
#include <optional>
#include <string>

#include "net/asio.hpp"
#include "net/line_reader.hpp"
#include "net/transport.hpp"

namespace postamt::net {

// Writes `pending` (if any) and leaves it empty.
asio::awaitable<void> flush(Transport& transport, std::string& pending);

// Waits on the calling coroutine's executor (never blocks a thread).
asio::awaitable<void> sleep_for(std::chrono::milliseconds delay);

// The next line, or nullopt when it exceeded the reader's limit (the rest of it is skipped by the
// next read, so the session can answer its protocol's error and go on). Other errors propagate.
asio::awaitable<std::optional<std::string>> read_line_within_limit(LineReader& reader);

}  // namespace postamt::net
