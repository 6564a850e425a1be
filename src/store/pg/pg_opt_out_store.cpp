#include "cc/store/pg/pg_opt_out_store.hpp"

namespace cc::store {

boost::asio::awaitable<Status> PgOptOutStore::record(domain::Id channel_account_id,
                                                     std::string address,
                                                     std::optional<domain::Id> customer_id,
                                                     std::string keyword) {
  auto job = [channel_account_id, address = std::move(address), customer_id,
              keyword = std::move(keyword)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO channel_opt_outs (channel_account_id, address, customer_id, keyword) "
        "VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (channel_account_id, address) DO UPDATE "
        "SET keyword = EXCLUDED.keyword, customer_id = COALESCE(EXCLUDED.customer_id, "
        "channel_opt_outs.customer_id)",
        channel_account_id, address, customer_id, keyword);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgOptOutStore::remove(domain::Id channel_account_id,
                                                     std::string address) {
  auto job = [channel_account_id, address = std::move(address)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params("DELETE FROM channel_opt_outs WHERE channel_account_id = $1 AND address = $2",
                   channel_account_id, address);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<bool>> PgOptOutStore::contains(domain::Id channel_account_id,
                                                             std::string address) {
  auto job = [channel_account_id,
              address = std::move(address)](pqxx::connection& c) -> Result<bool> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT 1 FROM channel_opt_outs WHERE channel_account_id = $1 AND address = $2",
        channel_account_id, address);
    return !rows.empty();
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
