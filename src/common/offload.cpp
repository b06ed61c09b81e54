// The worker pool behind offload() (offload.hpp). This file also compiles Boost.Asio's implementation
// once for the whole program (BOOST_ASIO_SEPARATE_COMPILATION): common is the lowest module using asio,
// so every binary that links it gets the asio symbols. The SSL part lives in net/asio_impl.cpp.
#include "common/offload.hpp"

#include <boost/asio/impl/src.hpp>
#include <algorithm>
#include <thread>

namespace postamt::detail {

// The work offloaded is mostly waiting, not computing: fsync, SQLite commits and a delivery waiting for
// its group commit (services::Services::deliver). A pool of only one thread per core let at most two
// deliveries queue for one commit on a 2-core machine, so every message paid its own fsyncs; with
// more threads than cores, concurrent deliveries and IMAP writes share commits instead of queueing.
boost::asio::thread_pool& offload_pool() {
  static boost::asio::thread_pool pool(std::max(32u, 4 * std::thread::hardware_concurrency()));
  return pool;
}

}  // namespace postamt::detail
