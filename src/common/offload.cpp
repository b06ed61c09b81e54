// The worker pool behind offload() (offload.hpp). This file also compiles Boost.Asio's implementation
// once for the whole program (BOOST_ASIO_SEPARATE_COMPILATION): common is the lowest module using asio,
// so every binary that links it gets the asio symbols. The SSL part lives in net/asio_impl.cpp.
#include "common/offload.hpp"

#include <boost/asio/impl/src.hpp>
#include <algorithm>
#include <thread>

namespace postamt::detail {

boost::asio::thread_pool& offload_pool() {
  static boost::asio::thread_pool pool(std::max(2u, std::thread::hardware_concurrency()));
  return pool;
}

}  // namespace postamt::detail
