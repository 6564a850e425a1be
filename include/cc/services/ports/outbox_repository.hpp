#pragma once
// Port: the durable outbox. Rows are claimed with a lease (FOR UPDATE SKIP LOCKED), so several
// instances share the work and a crashed sender's rows come back when the lease runs out. The
// claim also records that an attempt started, so a row claimed again after a crash is known to
// be "in doubt" (the provider may or may not have it).
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct OutboxItem {
  domain::Id id = 0;
  domain::Id message_id = 0;
  domain::Id conversation_id = 0;
  domain::Id channel_account_id = 0;  // the account sending this row (differs after failover)
  domain::Id customer_id = 0;
  domain::Channel channel = domain::Channel::webchat;  // the sending account's channel
  std::string account_config_json;                     // the sending account's config
  std::string recipient;  // address on that channel: openid, phone, email, visitor id
  domain::Message message;
  int attempts = 0;  // before this one
  // A previous attempt started and its outcome was never recorded (the process died).
  bool in_doubt = false;
  std::optional<domain::Id> failover_from;  // the outbox row this one replaces
};

// A dead-lettered or in-doubt row, as agents see it.
struct OutboxEntry {
  domain::Id id = 0;
  domain::Id message_id = 0;
  domain::Id conversation_id = 0;
  domain::Id channel_account_id = 0;
  std::string status;
  int attempts = 0;
  std::string last_error;
  std::string failure_reason;
  std::string provider_message_id;
  std::optional<domain::Id> failover_from;
  domain::TimePoint created_at{};
  domain::TimePoint updated_at{};
};

struct OutboxQuery {
  std::optional<std::string> status;  // pending, sent, failed, failed_over, in_doubt
  std::optional<domain::Id> conversation_id;
  std::optional<domain::Id> after;
  int limit = 50;
};

// What a provider's delivery report changed (SMS status callback, email DSN, API channel report).
struct DeliveryUpdate {
  domain::Id message_id = 0;
  domain::Id conversation_id = 0;
  std::string status;
};

class OutboxRepository {
 public:
  virtual ~OutboxRepository() = default;
  virtual boost::asio::awaitable<Result<std::vector<OutboxItem>>> claim_due(
      int limit, std::chrono::seconds lease) = 0;
  // Records that provider calls for these rows are about to start (one round trip per wave).
  virtual boost::asio::awaitable<Status> begin_attempts(std::vector<domain::Id> outbox_ids) = 0;
  virtual boost::asio::awaitable<Status> mark_sent(domain::Id outbox_id,
                                                   std::string provider_message_id) = 0;
  // Puts the row back without counting an attempt (e.g. the account's circuit is open).
  virtual boost::asio::awaitable<Status> postpone(domain::Id outbox_id,
                                                  std::chrono::milliseconds delay) = 0;
  virtual boost::asio::awaitable<Status> schedule_retry(domain::Id outbox_id,
                                                        std::chrono::milliseconds delay,
                                                        std::string error) = 0;
  virtual boost::asio::awaitable<Status> mark_failed(domain::Id outbox_id, std::string error,
                                                     std::string reason) = 0;
  virtual boost::asio::awaitable<Status> mark_in_doubt(domain::Id outbox_id, std::string error) = 0;
  // In one transaction: this row becomes failed_over with `reason`, a pending row for the same
  // message is added on `target_account` to `recipient`, and a system note saying where the
  // message went is appended to the conversation. Returns the note.
  virtual boost::asio::awaitable<Result<domain::Message>> fail_over(
      domain::Id outbox_id, std::string reason, domain::Id target_account,
      std::string recipient, std::string note) = 0;
  // The customer's verified address for a channel (e.g. the phone that texted us), if any.
  virtual boost::asio::awaitable<Result<std::optional<std::string>>> verified_address(
      domain::Id customer_id, std::string identifier_type) = 0;

  virtual boost::asio::awaitable<Result<domain::Page<OutboxEntry>>> list(OutboxQuery query) = 0;
  virtual boost::asio::awaitable<Result<OutboxEntry>> get(domain::Id outbox_id) = 0;
  // An agent's retry of a failed or in-doubt row: pending again, attempts reset.
  virtual boost::asio::awaitable<Result<OutboxEntry>> requeue(domain::Id outbox_id) = 0;
  // A provider's report on a message it accepted, found by the provider's message id.
  virtual boost::asio::awaitable<Result<std::optional<DeliveryUpdate>>> record_delivery(
      domain::Id channel_account_id, std::string provider_message_id, std::string status,
      std::string error) = 0;
};

}  // namespace cc::services
