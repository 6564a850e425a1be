#pragma once
// Port: outbound webhook subscriptions and their durable deliveries (one row per event per
// subscription). Deliveries are claimed with a lease (FOR UPDATE SKIP LOCKED) so several
// instances share the work; a claim never returns a delivery while an older pending delivery of
// the same subscription and order key exists (per-conversation order).
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

// Every present key must match the event (see webhook_matches).
struct WebhookFilters {
  std::optional<std::string> channel;
  std::optional<std::string> queue;
  std::optional<std::string> tag;
};

struct WebhookSubscription {
  domain::Id id = 0;
  std::string url;
  std::vector<std::string> events;
  WebhookFilters filters;
  std::string description;
  std::string secret;  // whsec_...; never shown after creation or rotation
  std::optional<std::string> previous_secret;  // still signing during a rotation's overlap
  std::optional<domain::TimePoint> previous_secret_expires_at;
  bool paused = false;
  domain::TimePoint created_at{};
  domain::TimePoint updated_at{};
};

struct NewWebhookSubscription {
  std::string url;
  std::vector<std::string> events;
  WebhookFilters filters;
  std::string description;
  std::string secret;
};

struct WebhookSubscriptionPatch {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> events;
  std::optional<WebhookFilters> filters;
  std::optional<std::string> description;
  std::optional<bool> paused;
};

struct NewWebhookDelivery {
  domain::Id subscription_id = 0;
  std::string webhook_id;
  std::string event_type;
  std::string payload;
  std::optional<std::string> order_key;
};

struct WebhookDelivery {
  domain::Id id = 0;
  domain::Id subscription_id = 0;
  std::string webhook_id;
  std::string event_type;
  std::string payload;
  std::optional<std::string> order_key;
  std::string status;  // pending, delivered, failed
  int attempts = 0;
  std::optional<int> response_code;
  std::optional<int> latency_ms;
  std::string last_error;
  domain::TimePoint next_attempt_at{};
  std::optional<domain::TimePoint> delivered_at;
  domain::TimePoint created_at{};
  domain::TimePoint updated_at{};
};

// A claimed delivery with what sending it needs.
struct ClaimedWebhookDelivery {
  WebhookDelivery delivery;
  std::string url;
  std::vector<std::string> secrets;  // current first, then the previous one while it overlaps
  domain::TimePoint first_attempt_at{};
};

struct WebhookAttempt {
  enum class Outcome {
    delivered,  // 2xx
    retry,      // counted attempt; again after retry_in
    failed,     // dead-lettered
    postponed,  // not attempted (circuit open): again after retry_in, attempts unchanged
  };
  domain::Id delivery_id = 0;
  Outcome outcome = Outcome::delivered;
  std::optional<int> response_code;
  int latency_ms = 0;
  std::string error;
  std::chrono::milliseconds retry_in{0};
};

struct WebhookDeliveryQuery {
  domain::Id subscription_id = 0;
  std::optional<std::string> status;
  std::optional<domain::Id> after;
  int limit = 50;
};

class WebhookRepository {
 public:
  virtual ~WebhookRepository() = default;
  virtual boost::asio::awaitable<Result<WebhookSubscription>> create_subscription(
      NewWebhookSubscription subscription) = 0;
  virtual boost::asio::awaitable<Result<WebhookSubscription>> get_subscription(domain::Id id) = 0;
  virtual boost::asio::awaitable<Result<domain::Page<WebhookSubscription>>> list_subscriptions(
      std::optional<domain::Id> after, int limit) = 0;
  virtual boost::asio::awaitable<Result<WebhookSubscription>> update_subscription(
      domain::Id id, WebhookSubscriptionPatch patch) = 0;
  virtual boost::asio::awaitable<Status> delete_subscription(domain::Id id) = 0;
  // The new secret signs from now; the old one also signs until now + overlap.
  virtual boost::asio::awaitable<Result<WebhookSubscription>> rotate_secret(
      domain::Id id, std::string new_secret, std::chrono::seconds overlap) = 0;
  // Every subscription not deleted (paused ones too: their deliveries wait for the resume).
  virtual boost::asio::awaitable<Result<std::vector<WebhookSubscription>>> live_subscriptions() = 0;

  // In one transaction, in the given order (ids follow it, which keeps per-key order).
  virtual boost::asio::awaitable<Status> insert_deliveries(
      std::vector<NewWebhookDelivery> deliveries) = 0;
  virtual boost::asio::awaitable<Result<std::vector<ClaimedWebhookDelivery>>> claim_due(
      int limit, std::chrono::seconds lease) = 0;
  virtual boost::asio::awaitable<Status> record_attempt(WebhookAttempt attempt) = 0;

  virtual boost::asio::awaitable<Result<domain::Page<WebhookDelivery>>> list_deliveries(
      WebhookDeliveryQuery query) = 0;
  virtual boost::asio::awaitable<Result<WebhookDelivery>> get_delivery(domain::Id id) = 0;
  // Pending again at once, same webhook id, a fresh retry budget.
  virtual boost::asio::awaitable<Result<WebhookDelivery>> replay_delivery(domain::Id id) = 0;
  // Replays the subscription's deliveries created in [from, to) that are not pending; at most
  // `limit`. Returns how many.
  virtual boost::asio::awaitable<Result<int>> replay_range(domain::Id subscription_id,
                                                           domain::TimePoint from,
                                                           domain::TimePoint to, int limit) = 0;
};

}  // namespace cc::services
