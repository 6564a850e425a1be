#pragma once
// Outbound webhooks, the admin side and the capture side. Admins manage subscriptions (the
// secret is shown once, at creation or rotation), read the delivery log and replay. As a
// DomainEventSink it turns each business event into one durable delivery row per matching
// subscription: publish() only queues (it must not block the committing thread); one capture
// coroutine on its own strand writes the queue in order, so events of a conversation get
// delivery ids in the order they were published. The event is captured after its change
// committed: a crash in that instant can lose the event's deliveries but never duplicate one,
// and a delivery row once written is never lost. Thread-safe.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <functional>

#include "cc/services/ports/audit_log.hpp"
#include "cc/services/ports/domain_event_sink.hpp"
#include "cc/services/ports/webhook_repository.hpp"

namespace cc::services {

struct WebhookSubscriptionInput {
  std::string url;
  std::vector<std::string> events;
  WebhookFilters filters;
  std::string description;
};

// A subscription with its secret, returned once (creation, rotation).
struct WebhookSubscriptionWithSecret {
  WebhookSubscription subscription;
  std::string secret;
};

class WebhookService final : public DomainEventSink {
 public:
  static constexpr std::size_t kMaxQueuedEvents = 20000;

  WebhookService(boost::asio::any_io_executor executor, WebhookRepository& repository,
                 AuditLog& audit);
  // Called (from the capture strand) after deliveries were written: the dispatcher's wake().
  void on_captured(std::function<void()> callback) { on_captured_ = std::move(callback); }

  boost::asio::awaitable<Result<WebhookSubscriptionWithSecret>> create(
      WebhookSubscriptionInput input, std::optional<domain::Id> actor);
  boost::asio::awaitable<Result<WebhookSubscription>> get(domain::Id id);
  boost::asio::awaitable<Result<domain::Page<WebhookSubscription>>> list(
      std::optional<domain::Id> after, int limit);
  boost::asio::awaitable<Result<WebhookSubscription>> update(domain::Id id,
                                                             WebhookSubscriptionPatch patch,
                                                             std::optional<domain::Id> actor);
  boost::asio::awaitable<Status> remove(domain::Id id, std::optional<domain::Id> actor);
  // A new secret; the old one keeps signing for `overlap` (at most 7 days).
  boost::asio::awaitable<Result<WebhookSubscriptionWithSecret>> rotate_secret(
      domain::Id id, std::chrono::seconds overlap, std::optional<domain::Id> actor);

  boost::asio::awaitable<Result<domain::Page<WebhookDelivery>>> deliveries(
      WebhookDeliveryQuery query);
  boost::asio::awaitable<Result<WebhookDelivery>> replay(domain::Id delivery_id,
                                                         std::optional<domain::Id> actor);
  boost::asio::awaitable<Result<int>> replay_range(domain::Id subscription_id,
                                                   domain::TimePoint from, domain::TimePoint to,
                                                   std::optional<domain::Id> actor);

  // DomainEventSink: queue for capture. Never blocks, never throws.
  void publish(DomainEvent event) override;
  // The routing action `webhook`: a routing.lead event to subscribers, ordered with the
  // conversation's other events. `lead` is the rule's payload (a JSON object).
  void publish_routing_lead(domain::Id conversation_id, std::string rule, nlohmann::json lead);

 private:
  struct Queued {
    DomainEvent event;
    domain::TimePoint at;
  };
  boost::asio::awaitable<void> capture_loop();
  boost::asio::awaitable<bool> capture(const std::vector<Queued>& batch);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  WebhookRepository& repository_;
  AuditLog& audit_;
  std::function<void()> on_captured_;
  std::deque<Queued> queue_;  // strand only
  bool capturing_ = false;    // strand only
};

}  // namespace cc::services
