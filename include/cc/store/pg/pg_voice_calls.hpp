#pragma once
// PostgreSQL implementation of the voice ports (table voice_calls, migrations/0013_voice.sql).
// New calls are claimed by the assignment engine's side (PgAssignmentVoice).
#include "cc/services/ports/voice_calls.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgVoiceCalls final : public services::CallRouter,
                           public services::VoiceCallStore {
 public:
  explicit PgVoiceCalls(PgPool& pool) : pool_(pool) {}
  boost::asio::awaitable<void> release(domain::Id channel_account_id, std::string call_id) override;
  boost::asio::awaitable<void> record_unrouted(services::CallRequest request, bool overflowed) override;
  boost::asio::awaitable<Result<services::CallRecord>> record_event(domain::Id channel_account_id,
                                                                           services::CallEvent event) override;
  boost::asio::awaitable<Result<bool>> claim_callback(domain::Id channel_account_id, std::string call_id) override;
  boost::asio::awaitable<void> unclaim_callback(domain::Id channel_account_id, std::string call_id) override;
  boost::asio::awaitable<Status> link(domain::Id channel_account_id, std::string call_id,
                                      std::optional<domain::Id> conversation_id,
                                      std::optional<domain::Id> ticket_id) override;
  boost::asio::awaitable<Status> expire_offers(int ring_timeout_seconds) override;

 private:
  PgPool& pool_;
};

}  // namespace cc::store
