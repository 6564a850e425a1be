#include "cc/services/webhook_service.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cc/async/log.hpp"
#include "cc/async/spawn.hpp"
#include "cc/crypto/encoding.hpp"
#include "cc/crypto/random.hpp"
#include "cc/services/webhook_policy.hpp"
#include "cc/services/webhook_signing.hpp"

namespace cc::services {
namespace {

constexpr std::size_t kCaptureBatch = 500;
constexpr int kCaptureTries = 30;  // one a second while the database is down, then give up
constexpr auto kMaxOverlap = std::chrono::hours(24 * 7);

std::optional<Error> validate_input(const WebhookSubscriptionInput& input) {
  if (auto error = validate_webhook_url(input.url)) return error;
  if (auto error = validate_webhook_events(input.events)) return error;
  if (auto error = validate_webhook_filters(input.filters)) return error;
  if (input.description.size() > 500) {
    return Error::invalid("description is longer than 500 bytes", "/description");
  }
  return std::nullopt;
}

std::optional<Error> validate_patch(const WebhookSubscriptionPatch& patch) {
  if (patch.url) {
    if (auto error = validate_webhook_url(*patch.url)) return error;
  }
  if (patch.events) {
    if (auto error = validate_webhook_events(*patch.events)) return error;
  }
  if (patch.filters) {
    if (auto error = validate_webhook_filters(*patch.filters)) return error;
  }
  if (patch.description && patch.description->size() > 500) {
    return Error::invalid("description is longer than 500 bytes", "/description");
  }
  return std::nullopt;
}

std::string new_webhook_id() { return "msg_" + crypto::base64url_encode(crypto::random_bytes(15)); }

}  // namespace

WebhookService::WebhookService(boost::asio::any_io_executor executor,
                               WebhookRepository& repository, AuditLog& audit)
    : strand_(boost::asio::make_strand(executor)), repository_(repository), audit_(audit) {}

boost::asio::awaitable<Result<WebhookSubscriptionWithSecret>> WebhookService::create(
    WebhookSubscriptionInput input, std::optional<domain::Id> actor) {
  if (auto error = validate_input(input)) co_return *error;
  NewWebhookSubscription fresh{std::move(input.url), std::move(input.events),
                               std::move(input.filters), std::move(input.description),
                               new_webhook_secret()};
  const auto secret = fresh.secret;
  auto created = co_await repository_.create_subscription(std::move(fresh));
  if (!created) co_return created.error();
  auto entry = audit_entry(actor, "webhook_subscription.created", "webhook_subscription",
                           std::to_string(created->id), {{"url", created->url}});
  co_await audit_.record(std::move(entry));
  co_return WebhookSubscriptionWithSecret{std::move(*created), secret};
}

boost::asio::awaitable<Result<WebhookSubscription>> WebhookService::get(domain::Id id) {
  co_return co_await repository_.get_subscription(id);
}

boost::asio::awaitable<Result<domain::Page<WebhookSubscription>>> WebhookService::list(
    std::optional<domain::Id> after, int limit) {
  co_return co_await repository_.list_subscriptions(after, limit);
}

boost::asio::awaitable<Result<WebhookSubscription>> WebhookService::update(
    domain::Id id, WebhookSubscriptionPatch patch, std::optional<domain::Id> actor) {
  if (auto error = validate_patch(patch)) co_return *error;
  nlohmann::json details = nlohmann::json::object();
  if (patch.paused) details["paused"] = *patch.paused;
  if (patch.url) details["url"] = *patch.url;
  auto updated = co_await repository_.update_subscription(id, std::move(patch));
  if (!updated) co_return updated.error();
  auto entry = audit_entry(actor, "webhook_subscription.updated", "webhook_subscription",
                           std::to_string(id), std::move(details));
  co_await audit_.record(std::move(entry));
  if (!updated->paused && on_captured_) on_captured_();  // a resume: waiting deliveries go now
  co_return updated;
}

boost::asio::awaitable<Status> WebhookService::remove(domain::Id id,
                                                      std::optional<domain::Id> actor) {
  auto removed = co_await repository_.delete_subscription(id);
  if (!removed) co_return removed;
  auto entry = audit_entry(actor, "webhook_subscription.deleted", "webhook_subscription",
                           std::to_string(id));
  co_await audit_.record(std::move(entry));
  co_return removed;
}

boost::asio::awaitable<Result<WebhookSubscriptionWithSecret>> WebhookService::rotate_secret(
    domain::Id id, std::chrono::seconds overlap, std::optional<domain::Id> actor) {
  if (overlap.count() < 0 || overlap > kMaxOverlap) {
    co_return Error::invalid("overlap_seconds must be between 0 and 604800", "/overlap_seconds");
  }
  auto secret = new_webhook_secret();
  auto rotated = co_await repository_.rotate_secret(id, secret, overlap);
  if (!rotated) co_return rotated.error();
  auto entry = audit_entry(actor, "webhook_subscription.secret_rotated", "webhook_subscription",
                           std::to_string(id), {{"overlap_seconds", overlap.count()}});
  co_await audit_.record(std::move(entry));
  co_return WebhookSubscriptionWithSecret{std::move(*rotated), std::move(secret)};
}

boost::asio::awaitable<Result<domain::Page<WebhookDelivery>>> WebhookService::deliveries(
    WebhookDeliveryQuery query) {
  if (query.status && *query.status != "pending" && *query.status != "delivered" &&
      *query.status != "failed") {
    co_return Error::invalid("status must be pending, delivered or failed", "status");
  }
  auto subscription = co_await repository_.get_subscription(query.subscription_id);
  if (!subscription) co_return subscription.error();
  co_return co_await repository_.list_deliveries(std::move(query));
}

boost::asio::awaitable<Result<WebhookDelivery>> WebhookService::replay(
    domain::Id delivery_id, std::optional<domain::Id> actor) {
  auto replayed = co_await repository_.replay_delivery(delivery_id);
  if (!replayed) co_return replayed.error();
  auto entry = audit_entry(actor, "webhook_delivery.replayed", "webhook_delivery",
                           std::to_string(delivery_id));
  co_await audit_.record(std::move(entry));
  if (on_captured_) on_captured_();
  co_return replayed;
}

boost::asio::awaitable<Result<int>> WebhookService::replay_range(
    domain::Id subscription_id, domain::TimePoint from, domain::TimePoint to,
    std::optional<domain::Id> actor) {
  if (to <= from) co_return Error::invalid("to must be after from", "/to");
  auto subscription = co_await repository_.get_subscription(subscription_id);
  if (!subscription) co_return subscription.error();
  auto count = co_await repository_.replay_range(subscription_id, from, to, 10000);
  if (!count) co_return count.error();
  auto entry = audit_entry(actor, "webhook_subscription.replayed", "webhook_subscription",
                           std::to_string(subscription_id), {{"deliveries", *count}});
  co_await audit_.record(std::move(entry));
  if (*count > 0 && on_captured_) on_captured_();
  co_return count;
}

void WebhookService::publish(DomainEvent event) {
  boost::asio::post(strand_, [this, queued = Queued{std::move(event), std::chrono::system_clock::now()}]() mutable {
    if (queue_.size() >= kMaxQueuedEvents) {
      async::module_logger("services")
          ->error("webhook capture queue full: event {} dropped", queued.event.type);
      return;
    }
    queue_.push_back(std::move(queued));
    if (capturing_) return;
    capturing_ = true;
    async::spawn_logged(strand_, capture_loop(), "webhook capture");
  });
}

void WebhookService::publish_routing_lead(domain::Id conversation_id, std::string rule,
                                          nlohmann::json lead) {
  nlohmann::json data{{"conversation_id", std::to_string(conversation_id)},
                      {"rule", std::move(rule)},
                      {"lead", std::move(lead)}};
  publish(DomainEvent{"routing.lead", std::move(data), std::to_string(conversation_id)});
}

boost::asio::awaitable<void> WebhookService::capture_loop() {
  auto log = async::module_logger("services");
  boost::asio::steady_timer timer(strand_);
  int tries = 0;
  while (!queue_.empty()) {
    const auto take = std::min(queue_.size(), kCaptureBatch);
    std::vector<Queued> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
    bool written = false;
    try {
      written = co_await capture(batch);
    } catch (const std::exception& e) {
      log->error("webhook capture failed: {}", e.what());
    }
    if (written || ++tries >= kCaptureTries) {
      if (!written) log->error("webhook capture gave up: {} events lost", take);
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
      tries = 0;
      continue;
    }
    timer.expires_after(std::chrono::seconds(1));
    co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  capturing_ = false;
}

boost::asio::awaitable<bool> WebhookService::capture(const std::vector<Queued>& batch) {
  auto subscriptions = co_await repository_.live_subscriptions();
  if (!subscriptions) co_return false;
  std::vector<NewWebhookDelivery> deliveries;
  for (const auto& queued : batch) {
    std::optional<std::string> webhook_id;
    std::optional<std::string> payload;
    for (const auto& subscription : *subscriptions) {
      if (!webhook_matches(subscription, queued.event)) continue;
      if (!webhook_id) webhook_id = new_webhook_id();
      if (!payload) payload = webhook_payload(queued.event, queued.at);
      std::optional<std::string> order_key;
      if (!queued.event.order_key.empty()) order_key = queued.event.order_key;
      deliveries.push_back(
          NewWebhookDelivery{subscription.id, *webhook_id, queued.event.type, *payload, order_key});
    }
  }
  if (deliveries.empty()) co_return true;
  auto inserted = co_await repository_.insert_deliveries(std::move(deliveries));
  if (!inserted) co_return false;
  if (on_captured_) on_captured_();
  co_return true;
}

}  // namespace cc::services
