// The asio names the net module and protocol sessions use: `asio::` is Boost.Asio inside postamt::net.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace postamt::net {
namespace asio = boost::asio;
using tcp = boost::asio::ip::tcp;
}  // namespace postamt::net
