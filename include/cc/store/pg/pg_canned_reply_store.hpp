#pragma once
// CannedReplyStore on PostgreSQL (table canned_replies, migrations/0017_workbench.sql).
#include "cc/services/ports/canned_reply_store.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgCannedReplyStore final : public services::CannedReplyStore {
 public:
  explicit PgCannedReplyStore(PgPool& pool) : pool_(pool) {}
  boost::asio::awaitable<Result<std::vector<services::CannedReply>>> visible_to(
      domain::Id agent_id, std::string prefix, int limit) override;
  boost::asio::awaitable<Result<services::CannedReply>> get(domain::Id id) override;
  boost::asio::awaitable<Result<services::CannedReply>> create(services::CannedReply reply) override;
  boost::asio::awaitable<Result<services::CannedReply>> update(services::CannedReply reply) override;
  boost::asio::awaitable<Status> remove(domain::Id id) override;

 private:
  PgPool& pool_;
};

}  // namespace cc::store
