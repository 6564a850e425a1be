#pragma once
// Port: the durable outbox. Rows are claimed with a lease (FOR UPDATE SKIP LOCKED), so several
// instances share the work and a crashed sender's rows come back when the lease runs out.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct OutboxItem {
  domain::Id id = 0;
  domain::Id message_id = 0;
  domain::Id conversation_id = 0;
  domain::Id channel_account_id = 0;
  domain::Id customer_id = 0;
  domain::Channel channel = domain::Channel::webchat;
  domain::Message message;
  int attempts = 0;  // before this one
};

class OutboxRepository {
 public:
  virtual ~OutboxRepository() = default;
  virtual boost::asio::awaitable<Result<std::vector<OutboxItem>>> claim_due(
      int limit, std::chrono::seconds lease) = 0;
  virtual boost::asio::awaitable<Status> mark_sent(domain::Id outbox_id,
                                                   std::string provider_message_id) = 0;
  virtual boost::asio::awaitable<Status> schedule_retry(domain::Id outbox_id,
                                                        std::chrono::milliseconds delay,
                                                        std::string error) = 0;
  virtual boost::asio::awaitable<Status> mark_failed(domain::Id outbox_id, std::string error) = 0;
};

}  // namespace cc::services
