#pragma once
// PostgreSQL implementations of the services' ports. Each runs its SQL on the PgPool's threads;
// libpqxx exceptions are translated into cc::Error here and nowhere else.
#include "cc/services/ports/agent_event_store.hpp"
#include "cc/services/ports/agent_repository.hpp"
#include "cc/services/ports/audit_log.hpp"
#include "cc/services/ports/channel_account_repository.hpp"
#include "cc/services/ports/conversation_repository.hpp"
#include "cc/services/ports/health_probe.hpp"
#include "cc/services/ports/ingest_store.hpp"
#include "cc/services/ports/outbox_repository.hpp"
#include "cc/services/ports/token_repository.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

using boost::asio::awaitable;
namespace svc = cc::services;

class PgAgentRepository final : public svc::AgentRepository {
 public:
  explicit PgAgentRepository(PgPool& pool) : pool_(pool) {}
  awaitable<Result<domain::Agent>> create(svc::NewAgent agent) override;
  awaitable<Result<domain::Agent>> get(domain::Id id) override;
  awaitable<Result<svc::AgentCredentials>> find_by_email(std::string email) override;
  awaitable<Result<domain::Page<domain::Agent>>> list(std::optional<domain::Id> after,
                                                     int limit) override;
  awaitable<Result<domain::Agent>> update(domain::Id id, svc::AgentPatch patch) override;
  awaitable<Result<domain::Agent>> set_status(domain::Id id, domain::AgentStatus status) override;
  awaitable<Result<std::vector<domain::Id>>> online_agent_ids() override;
  awaitable<Result<std::vector<domain::Id>>> online_supervisor_ids() override;

 private:
  PgPool& pool_;
};

class PgTokenRepository final : public svc::TokenRepository {
 public:
  explicit PgTokenRepository(PgPool& pool) : pool_(pool) {}
  awaitable<Status> store(domain::Id agent_id, std::string token_hash,
                          domain::TimePoint expires_at) override;
  awaitable<Result<domain::Principal>> find_active(std::string token_hash) override;
  awaitable<Status> revoke(std::string token_hash) override;

 private:
  PgPool& pool_;
};

class PgChannelAccountRepository final : public svc::ChannelAccountRepository {
 public:
  explicit PgChannelAccountRepository(PgPool& pool) : pool_(pool) {}
  awaitable<Result<domain::ChannelAccount>> create(domain::Channel channel, std::string name,
                                                   std::string config_json) override;
  awaitable<Result<domain::ChannelAccount>> get(domain::Id id) override;
  awaitable<Result<domain::Page<domain::ChannelAccount>>> list(std::optional<domain::Id> after,
                                                              int limit) override;
  awaitable<Result<domain::ChannelAccount>> update(domain::Id id,
                                                   svc::ChannelAccountPatch patch) override;

 private:
  PgPool& pool_;
};

class PgConversationRepository final : public svc::ConversationRepository {
 public:
  explicit PgConversationRepository(PgPool& pool) : pool_(pool) {}
  awaitable<Result<domain::Page<domain::Conversation>>> list(svc::ConversationQuery query) override;
  awaitable<Result<domain::Conversation>> get(domain::Id id) override;
  awaitable<Result<domain::Page<domain::Message>>> messages(domain::Id conversation_id,
                                                           std::optional<domain::Id> after,
                                                           int limit) override;
  awaitable<Result<domain::Page<domain::Message>>> customer_messages(
      domain::Id customer_id, domain::Id channel_account_id, std::optional<domain::Id> after,
      int limit) override;
  awaitable<Result<svc::ReplyOutcome>> append_reply(
      domain::Id conversation_id, domain::Id agent_id, std::string content,
      std::optional<std::string> idempotency_key) override;
  awaitable<Result<domain::Conversation>> close(domain::Id conversation_id) override;
  awaitable<Result<svc::ReplyOutcome>> append_automated(domain::Id conversation_id,
                                                        std::string sender_type,
                                                        std::string content) override;
  awaitable<Result<std::optional<domain::Conversation>>> live_conversation(
      domain::Id customer_id, domain::Id channel_account_id) override;

 private:
  PgPool& pool_;
};

class PgIngestStore final : public svc::IngestStore, public svc::CustomerResolver {
 public:
  explicit PgIngestStore(PgPool& pool) : pool_(pool) {}
  awaitable<Result<std::vector<Result<svc::IngestResult>>>> store_batch(
      std::vector<domain::InboundMessage> batch) override;
  awaitable<Result<domain::Id>> resolve(std::vector<domain::Identifier> identifiers,
                                        std::optional<std::string> display_name) override;

 private:
  PgPool& pool_;
};

class PgAgentEventStore final : public svc::AgentEventStore {
 public:
  explicit PgAgentEventStore(PgPool& pool) : pool_(pool) {}
  awaitable<Result<std::vector<svc::AgentEvent>>> append(
      std::vector<svc::AgentEvent> events) override;
  awaitable<Result<std::vector<svc::AgentEvent>>> since(domain::Id agent_id,
                                                        std::int64_t after_seq,
                                                        int limit) override;

 private:
  PgPool& pool_;
};

class PgOutboxRepository final : public svc::OutboxRepository {
 public:
  explicit PgOutboxRepository(PgPool& pool) : pool_(pool) {}
  awaitable<Result<std::vector<svc::OutboxItem>>> claim_due(int limit,
                                                            std::chrono::seconds lease) override;
  awaitable<Status> mark_sent(domain::Id outbox_id, std::string provider_message_id) override;
  awaitable<Status> postpone(domain::Id outbox_id, std::chrono::milliseconds delay) override;
  awaitable<Status> begin_attempts(std::vector<domain::Id> outbox_ids) override;
  awaitable<Status> schedule_retry(domain::Id outbox_id, std::chrono::milliseconds delay,
                                   std::string error) override;
  awaitable<Status> mark_failed(domain::Id outbox_id, std::string error,
                                std::string reason) override;
  awaitable<Status> mark_in_doubt(domain::Id outbox_id, std::string error) override;
  awaitable<Result<domain::Message>> fail_over(domain::Id outbox_id, std::string reason,
                                               domain::Id target_account, std::string recipient,
                                               std::string note) override;
  awaitable<Result<std::optional<std::string>>> verified_address(
      domain::Id customer_id, std::string identifier_type) override;
  awaitable<Result<domain::Page<svc::OutboxEntry>>> list(svc::OutboxQuery query) override;
  awaitable<Result<svc::OutboxEntry>> get(domain::Id outbox_id) override;
  awaitable<Result<svc::OutboxEntry>> requeue(domain::Id outbox_id) override;
  awaitable<Result<std::optional<svc::DeliveryUpdate>>> record_delivery(
      domain::Id channel_account_id, std::string provider_message_id, std::string status,
      std::string error) override;

 private:
  PgPool& pool_;
};

class PgAuditLog final : public svc::AuditLog {
 public:
  explicit PgAuditLog(PgPool& pool) : pool_(pool) {}
  awaitable<void> record(svc::AuditEntry entry) override;

 private:
  PgPool& pool_;
};

class PgHealthProbe final : public svc::HealthProbe {
 public:
  explicit PgHealthProbe(PgPool& pool) : pool_(pool) {}
  awaitable<bool> database_ready() override;

 private:
  PgPool& pool_;
};

}  // namespace cc::store
