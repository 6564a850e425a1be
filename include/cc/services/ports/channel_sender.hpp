#pragma once
// Port: a channel adapter's outbound half. The outbox dispatcher calls send() once per attempt.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "cc/services/ports/outbox_repository.hpp"

namespace cc::services {

struct SendOutcome {
  enum class Kind {
    sent,           // the provider accepted it; provider_message_id set when it gives one
    retry,          // transient (timeout, 429, 5xx): try again with backoff
    failed,         // permanent (bad request, unknown recipient): dead-letter
    undeliverable,  // this channel cannot reach this customer now (48-hour window, opted out):
                    // hand to the account's failover rule, else dead-letter
  };
  Kind kind = Kind::sent;
  std::string provider_message_id;
  std::string error;    // for people: what the provider said
  std::string reason;   // for machines: window_closed, opted_out, auth, ...
  std::optional<std::chrono::milliseconds> retry_after;  // when the provider asked (Retry-After)
};

// After a crash during a send, what the provider knows about that attempt.
struct ReconcileOutcome {
  enum class Kind {
    delivered,  // the provider has it: record as sent, do not send again
    absent,     // the provider never got it: safe to send
    unknown,    // cannot tell: the row is marked in_doubt for a person to decide
  };
  Kind kind = Kind::unknown;
  std::string provider_message_id;
};

class ChannelSender {
 public:
  virtual ~ChannelSender() = default;
  virtual boost::asio::awaitable<SendOutcome> send(const OutboxItem& item) = 0;
  // Channels whose provider can be asked (e.g. Twilio's message list) or whose receiver dedupes
  // on a key we send override this; the default cannot tell.
  virtual boost::asio::awaitable<ReconcileOutcome> reconcile(const OutboxItem& item) {
    (void)item;
    co_return ReconcileOutcome{};
  }
};

}  // namespace cc::services
