#pragma once
// PostgreSQL implementation of services::WebhookRepository (migrations/0005_webhooks.sql).
// Runs on the PgPool's threads; libpqxx exceptions stay here.
#include "cc/services/ports/webhook_repository.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgWebhookRepository final : public services::WebhookRepository {
 public:
  template <class T>
  using awaitable = boost::asio::awaitable<T>;

  explicit PgWebhookRepository(PgPool& pool) : pool_(pool) {}
  awaitable<Result<services::WebhookSubscription>> create_subscription(
      services::NewWebhookSubscription subscription) override;
  awaitable<Result<services::WebhookSubscription>> get_subscription(domain::Id id) override;
  awaitable<Result<domain::Page<services::WebhookSubscription>>> list_subscriptions(
      std::optional<domain::Id> after, int limit) override;
  awaitable<Result<services::WebhookSubscription>> update_subscription(
      domain::Id id, services::WebhookSubscriptionPatch patch) override;
  awaitable<Status> delete_subscription(domain::Id id) override;
  awaitable<Result<services::WebhookSubscription>> rotate_secret(
      domain::Id id, std::string new_secret, std::chrono::seconds overlap) override;
  awaitable<Result<std::vector<services::WebhookSubscription>>> live_subscriptions() override;

  awaitable<Status> insert_deliveries(std::vector<services::NewWebhookDelivery> deliveries) override;
  awaitable<Result<std::vector<services::ClaimedWebhookDelivery>>> claim_due(
      int limit, std::chrono::seconds lease) override;
  awaitable<Status> record_attempt(services::WebhookAttempt attempt) override;

  awaitable<Result<domain::Page<services::WebhookDelivery>>> list_deliveries(
      services::WebhookDeliveryQuery query) override;
  awaitable<Result<services::WebhookDelivery>> get_delivery(domain::Id id) override;
  awaitable<Result<services::WebhookDelivery>> replay_delivery(domain::Id id) override;
  awaitable<Result<int>> replay_range(domain::Id subscription_id, domain::TimePoint from,
                                      domain::TimePoint to, int limit) override;

 private:
  PgPool& pool_;
};

}  // namespace cc::store
