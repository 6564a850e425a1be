#pragma once
// Port: a channel adapter's outbound half. The outbox dispatcher calls it once per attempt.
#include <boost/asio/awaitable.hpp>
#include <string>

#include "cc/services/ports/outbox_repository.hpp"

namespace cc::services {

struct SendOutcome {
  enum class Kind { sent, retry, failed };
  Kind kind = Kind::sent;
  std::string provider_message_id;
  std::string error;
};

class ChannelSender {
 public:
  virtual ~ChannelSender() = default;
  virtual boost::asio::awaitable<SendOutcome> send(const OutboxItem& item) = 0;
};

}  // namespace cc::services
