#pragma once
// PostgreSQL implementation of services::EmailThreadStore (table email_message_ids).
#include "cc/services/ports/email_thread_store.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgEmailThreadStore final : public services::EmailThreadStore {
 public:
  explicit PgEmailThreadStore(PgPool& pool) : pool_(pool) {}
  boost::asio::awaitable<Result<std::optional<domain::Id>>> find_conversation(
      domain::Id channel_account_id, std::vector<std::string> message_ids) override;
  boost::asio::awaitable<Status> remember(domain::Id channel_account_id, std::string message_id,
                                          domain::Id conversation_id, domain::Direction direction,
                                          std::string subject) override;
  boost::asio::awaitable<Result<services::EmailThread>> thread_of(domain::Id conversation_id,
                                                                  int limit) override;

 private:
  PgPool& pool_;
};

}  // namespace cc::store
