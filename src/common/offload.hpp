// offload(fn): runs blocking work (SQLite, fsync, big file reads, password hashing) on a shared worker
// thread pool and resumes the calling coroutine on its own executor (DESIGN.md "Concurrency").
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <type_traits>
#include <utility>

namespace postamt {

namespace detail {
// The process-wide worker pool (sized in offload.cpp), created on first use.
boost::asio::thread_pool& offload_pool();
}  // namespace detail

// co_await offload([&] { return db.query(...); }): F runs on a worker thread; its result (or exception)
// comes back to the caller, which resumes on the executor it was running on. F returns a value or void
// (not a reference). Anything F captures by reference must outlive the co_await (it does, the caller waits).
namespace detail {
// Named coroutines (not lambda coroutines): F lives in the coroutine frame as a parameter, which
// sidesteps GCC 12 bugs with captured state of lambda coroutines (seen as ASan bad-frees).
template <class F>
boost::asio::awaitable<void> run_void(F f) {
  f();
  co_return;
}
template <class F, class R>
boost::asio::awaitable<std::optional<R>> run_value(F f) {
  co_return std::optional<R>(f());
}
}  // namespace detail

template <class F>
auto offload(F fn) -> boost::asio::awaitable<std::invoke_result_t<F&>> {
  using R = std::invoke_result_t<F&>;
  static_assert(!std::is_reference_v<R>, "offload: return a value, not a reference");
  boost::asio::any_io_executor pool = detail::offload_pool().get_executor();
  if constexpr (std::is_void_v<R>) {
    co_await boost::asio::co_spawn(pool, detail::run_void(std::move(fn)), boost::asio::use_awaitable);
  } else {
    // std::optional: co_spawn needs a default-constructible result type, R need not be one.
    std::optional<R> result =
        co_await boost::asio::co_spawn(pool, detail::run_value<F, R>(std::move(fn)), boost::asio::use_awaitable);
    co_return std::move(*result);
  }
}

}  // namespace postamt
