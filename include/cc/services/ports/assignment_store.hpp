#pragma once
// Port: atomic assignment of waiting conversations. Several instances may race; the store's
// row locks make each conversation go to exactly one agent.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

class AssignmentStore {
 public:
  virtual ~AssignmentStore() = default;
  // Gives a queued conversation to the online agent with the fewest open conversations.
  // nullopt when nobody is online or the conversation is no longer queued.
  virtual boost::asio::awaitable<Result<std::optional<domain::Conversation>>> assign_least_busy(
      domain::Id conversation_id) = 0;
  virtual boost::asio::awaitable<Result<std::vector<domain::Id>>> queued_conversation_ids(
      int limit) = 0;
};

}  // namespace cc::services
