// Compiles Boost.Asio's SSL implementation once (BOOST_ASIO_SEPARATE_COMPILATION). The core asio
// implementation is compiled in common/offload.cpp, which every module that uses asio links.
#include <boost/asio/ssl/impl/src.hpp>
