#pragma once
// Port: access tokens, stored only as SHA-256 hashes. Implemented by store/pg.
#include <boost/asio/awaitable.hpp>
#include <string>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

class TokenRepository {
 public:
  virtual ~TokenRepository() = default;
  virtual boost::asio::awaitable<Status> store(domain::Id agent_id, std::string token_hash,
                                               domain::TimePoint expires_at) = 0;
  // unauthorized when unknown, expired, revoked, or the agent was deactivated.
  virtual boost::asio::awaitable<Result<domain::Principal>> find_active(std::string token_hash) = 0;
  virtual boost::asio::awaitable<Status> revoke(std::string token_hash) = 0;
};

}  // namespace cc::services
