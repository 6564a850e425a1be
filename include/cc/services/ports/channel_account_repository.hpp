#pragma once
// Port: channel accounts (one web chat site, one WeChat official account, one SMS number ...).
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct ChannelAccountPatch {
  std::optional<std::string> name;
  std::optional<std::string> config_json;
  std::optional<bool> active;
};

class ChannelAccountRepository {
 public:
  virtual ~ChannelAccountRepository() = default;
  virtual boost::asio::awaitable<Result<domain::ChannelAccount>> create(
      domain::Channel channel, std::string name, std::string config_json) = 0;
  virtual boost::asio::awaitable<Result<domain::ChannelAccount>> get(domain::Id id) = 0;
  virtual boost::asio::awaitable<Result<domain::Page<domain::ChannelAccount>>> list(
      std::optional<domain::Id> after, int limit) = 0;
  virtual boost::asio::awaitable<Result<domain::ChannelAccount>> update(
      domain::Id id, ChannelAccountPatch patch) = 0;
};

}  // namespace cc::services
