#pragma once
// OptOutStore on PostgreSQL (table channel_opt_outs, migrations/0002_outbound_delivery.sql).
// Runs on the PgPool's threads; thread-safe.
#include "cc/services/ports/opt_out_store.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgOptOutStore final : public services::OptOutStore {
 public:
  explicit PgOptOutStore(PgPool& pool) : pool_(pool) {}
  boost::asio::awaitable<Status> record(domain::Id channel_account_id, std::string address,
                                        std::optional<domain::Id> customer_id,
                                        std::string keyword) override;
  boost::asio::awaitable<Status> remove(domain::Id channel_account_id,
                                        std::string address) override;
  boost::asio::awaitable<Result<bool>> contains(domain::Id channel_account_id,
                                                std::string address) override;

 private:
  PgPool& pool_;
};

}  // namespace cc::store
