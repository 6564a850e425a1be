#pragma once
// Port: a cheap reachability check of a dependency, for /readyz.
#include <boost/asio/awaitable.hpp>

namespace cc::services {

class HealthProbe {
 public:
  virtual ~HealthProbe() = default;
  virtual boost::asio::awaitable<bool> database_ready() = 0;
};

}  // namespace cc::services
