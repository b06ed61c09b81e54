// offload(): work runs on a worker thread, the caller resumes on its own executor, exceptions propagate.
#include "common/offload.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace asio = boost::asio;

namespace {

template <class T>
T run_on(asio::io_context& io, asio::awaitable<T> coro) {
  std::optional<T> out;
  std::exception_ptr error;
  asio::co_spawn(io, std::move(coro), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) out = std::move(v);
  });
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*out);
}

TEST(Offload, RunsOnWorkerAndResumesOnCaller) {
  asio::io_context io;
  auto io_thread = std::this_thread::get_id();
  auto ids = run_on(io, [&]() -> asio::awaitable<std::pair<std::thread::id, std::thread::id>> {
    auto worker = co_await postamt::offload([] { return std::this_thread::get_id(); });
    co_return std::pair{worker, std::this_thread::get_id()};
  }());
  EXPECT_NE(ids.first, io_thread);
  EXPECT_EQ(ids.second, io_thread);
}

TEST(Offload, ReturnsMoveOnlyValues) {
  asio::io_context io;
  auto v = run_on(io, []() -> asio::awaitable<int> {
    auto p = co_await postamt::offload([] { return std::make_unique<int>(42); });
    co_return *p;
  }());
  EXPECT_EQ(v, 42);
}

TEST(Offload, VoidAndExceptions) {
  asio::io_context io;
  int side = 0;
  auto msg = run_on(io, [&]() -> asio::awaitable<std::string> {
    co_await postamt::offload([&] { side = 7; });
    try {
      co_await postamt::offload([]() -> int { throw std::runtime_error("disk full"); });
    } catch (const std::runtime_error& e) {
      co_return std::string(e.what());
    }
    co_return std::string("no exception");
  }());
  EXPECT_EQ(side, 7);
  EXPECT_EQ(msg, "disk full");
}

}  // namespace
