#pragma once
// The routing engine's PostgreSQL stores (migrations/0011_routing.sql): intent definitions and
// examples, workflow draft/versions/active, and the customer context a task is routed on.
// Run on the PgPool's threads; thread-safe.
#include "cc/services/intent_service.hpp"
#include "cc/services/routing_engine.hpp"
#include "cc/services/routing_workflow_service.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgIntentStore final : public services::IntentStore {
 public:
  explicit PgIntentStore(PgPool& pool) : pool_(pool) {}
  boost::asio::awaitable<Result<std::vector<services::IntentDefinition>>> definitions() override;
  boost::asio::awaitable<Status> replace_definitions(std::vector<services::IntentDefinition> intents) override;
  boost::asio::awaitable<Result<std::vector<routing::LabelledExample>>> examples() override;
  boost::asio::awaitable<Status> replace_examples(std::vector<routing::LabelledExample> examples) override;
  boost::asio::awaitable<Status> seed_examples(std::vector<routing::LabelledExample> shipped) override;

 private:
  PgPool& pool_;
};

class PgWorkflowStore final : public services::WorkflowStore {
 public:
  explicit PgWorkflowStore(PgPool& pool) : pool_(pool) {}
  boost::asio::awaitable<Result<services::WorkflowDraft>> draft() override;
  boost::asio::awaitable<Result<services::WorkflowDraft>> save_draft(std::string document,
                                                                     long long expected_revision,
                                                                     std::optional<domain::Id> by) override;
  boost::asio::awaitable<Result<int>> add_active_version(std::string document,
                                                         std::optional<domain::Id> by) override;
  boost::asio::awaitable<Result<Ok>> set_active(int version, std::optional<domain::Id> by) override;
  boost::asio::awaitable<Result<std::optional<services::WorkflowVersion>>> active() override;
  boost::asio::awaitable<Result<int>> active_version() override;
  boost::asio::awaitable<Result<std::vector<services::WorkflowVersion>>> versions(int limit) override;
  boost::asio::awaitable<Result<services::WorkflowVersion>> version(int number) override;

 private:
  PgPool& pool_;
};

// Customer tier, tags (attributes.tags until a tags column exists), attributes, known (an
// earlier conversation), last agent (of the latest earlier conversation with an assignee) and
// the conversation's inbound message count.
class PgRoutingContextSource final : public services::RoutingContextSource {
 public:
  explicit PgRoutingContextSource(PgPool& pool) : pool_(pool) {}
  boost::asio::awaitable<Result<services::RoutingLookup>> lookup(domain::Id customer_id,
                                                                 domain::Id conversation_id) override;

 private:
  PgPool& pool_;
};

}  // namespace cc::store
