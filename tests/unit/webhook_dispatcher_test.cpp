// One dispatcher pass against an in-memory repository and transport: what is sent (Standard
// Webhooks headers with every live secret) and what is recorded for 2xx, 500 and 400 answers.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <map>
#include <utility>

#include "cc/services/webhook_dispatcher.hpp"
#include "cc/services/webhook_signing.hpp"

namespace cc::services {
namespace {

using boost::asio::awaitable;
constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

class ClaimOnlyRepository final : public WebhookRepository {
 public:
  awaitable<Result<WebhookSubscription>> create_subscription(NewWebhookSubscription) override { co_return Error::not_found("-"); }
  awaitable<Result<WebhookSubscription>> get_subscription(domain::Id) override { co_return Error::not_found("-"); }
  awaitable<Result<domain::Page<WebhookSubscription>>> list_subscriptions(std::optional<domain::Id>, int) override {
    co_return domain::Page<WebhookSubscription>{};
  }
  awaitable<Result<WebhookSubscription>> update_subscription(domain::Id, WebhookSubscriptionPatch) override {
    co_return Error::not_found("-");
  }
  awaitable<Status> delete_subscription(domain::Id) override { co_return Ok{}; }
  awaitable<Result<WebhookSubscription>> rotate_secret(domain::Id, std::string, std::chrono::seconds) override {
    co_return Error::not_found("-");
  }
  awaitable<Result<std::vector<WebhookSubscription>>> live_subscriptions() override {
    co_return std::vector<WebhookSubscription>{};
  }
  awaitable<Status> insert_deliveries(std::vector<NewWebhookDelivery>) override { co_return Ok{}; }
  awaitable<Result<std::vector<ClaimedWebhookDelivery>>> claim_due(int, std::chrono::seconds) override {
    co_return std::exchange(due, {});
  }
  awaitable<Status> record_attempt(WebhookAttempt attempt) override {
    attempts.push_back(attempt);
    co_return Ok{};
  }
  awaitable<Result<domain::Page<WebhookDelivery>>> list_deliveries(WebhookDeliveryQuery) override {
    co_return domain::Page<WebhookDelivery>{};
  }
  awaitable<Result<WebhookDelivery>> get_delivery(domain::Id) override { co_return Error::not_found("-"); }
  awaitable<Result<WebhookDelivery>> replay_delivery(domain::Id) override { co_return Error::not_found("-"); }
  awaitable<Result<int>> replay_range(domain::Id, domain::TimePoint, domain::TimePoint, int) override { co_return 0; }

  std::vector<ClaimedWebhookDelivery> due;
  std::vector<WebhookAttempt> attempts;
};

class ScriptedTransport final : public WebhookTransport {
 public:
  awaitable<WebhookResponse> post(WebhookPost request) override {
    posts.push_back(request);
    WebhookResponse response;
    response.status = statuses.at(posts.size() - 1);
    response.elapsed = std::chrono::milliseconds(7);
    co_return response;
  }
  std::vector<unsigned> statuses;
  std::vector<WebhookPost> posts;
};

ClaimedWebhookDelivery claimed(domain::Id id, std::vector<std::string> secrets) {
  ClaimedWebhookDelivery c;
  c.delivery.id = id;
  c.delivery.webhook_id = "msg_" + std::to_string(id);
  c.delivery.payload = R"({"type":"message.created","timestamp":"t","data":{}})";
  c.url = "https://hooks.example.com/" + std::to_string(id);
  c.secrets = std::move(secrets);
  c.first_attempt_at = std::chrono::system_clock::now();
  return c;
}

std::string header(const WebhookPost& post, const std::string& name) {
  for (const auto& [key, value] : post.headers) {
    if (key == name) return value;
  }
  return {};
}

TEST(WebhookDispatcher, SendsSignedPostsAndRecordsEachOutcome) {
  boost::asio::io_context io;
  ClaimOnlyRepository repository;
  ScriptedTransport transport;
  metrics::Registry metrics;
  WebhookDispatcher dispatcher(io.get_executor(), repository, transport, metrics);
  const auto rotated = new_webhook_secret();
  repository.due = {claimed(1, {kSecret}), claimed(2, {rotated, kSecret}), claimed(3, {kSecret})};
  transport.statuses = {200, 500, 400};
  auto pass = boost::asio::co_spawn(io, dispatcher.dispatch_due(), boost::asio::use_future);
  io.run();
  EXPECT_EQ(pass.get(), 3);

  ASSERT_EQ(transport.posts.size(), 3u);
  for (const auto& post : transport.posts) {
    const auto id = header(post, "webhook-id");
    const auto timestamp = std::stoll(header(post, "webhook-timestamp"));
    const auto signature = header(post, "webhook-signature");
    EXPECT_NE(signature.find(*webhook_signature(kSecret, id, timestamp, post.body)), std::string::npos);
    if (id == "msg_2") {
      EXPECT_EQ(signature, webhook_signature_header({rotated, kSecret}, id, timestamp, post.body));
    }
  }
  ASSERT_EQ(repository.attempts.size(), 3u);
  std::map<domain::Id, WebhookAttempt> by_id;
  for (const auto& a : repository.attempts) by_id[a.delivery_id] = a;
  EXPECT_EQ(by_id[1].outcome, WebhookAttempt::Outcome::delivered);
  EXPECT_EQ(by_id[1].response_code, 200);
  EXPECT_EQ(by_id[1].latency_ms, 7);
  EXPECT_EQ(by_id[2].outcome, WebhookAttempt::Outcome::retry);
  EXPECT_GT(by_id[2].retry_in.count(), 0);
  EXPECT_EQ(by_id[3].outcome, WebhookAttempt::Outcome::failed);
  EXPECT_EQ(by_id[3].response_code, 400);
}

TEST(WebhookDispatcher, AnOpenCircuitPostponesWithoutCallingTheEndpoint) {
  boost::asio::io_context io;
  ClaimOnlyRepository repository;
  ScriptedTransport transport;
  metrics::Registry metrics;
  WebhookOptions options;
  options.circuit.min_calls = 2;
  options.circuit.failure_ratio = 0.5;
  WebhookDispatcher dispatcher(io.get_executor(), repository, transport, metrics, options);
  transport.statuses = {503, 503, 200};
  for (int pass = 0; pass < 3; ++pass) {
    auto same_endpoint = claimed(10 + pass, {kSecret});
    same_endpoint.url = "https://down.example.com/hook";
    repository.due = {same_endpoint};
    auto done = boost::asio::co_spawn(io, dispatcher.dispatch_due(), boost::asio::use_future);
    io.run();
    io.restart();
    done.get();
  }
  EXPECT_EQ(transport.posts.size(), 2u);  // the third found the circuit open
  ASSERT_EQ(repository.attempts.size(), 3u);
  EXPECT_EQ(repository.attempts[2].outcome, WebhookAttempt::Outcome::postponed);
  EXPECT_GT(repository.attempts[2].retry_in.count(), 0);
}

}  // namespace
}  // namespace cc::services
