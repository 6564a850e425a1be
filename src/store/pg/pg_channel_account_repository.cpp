#include "cc/store/pg/pg_page.hpp"
#include "cc/store/pg/pg_repositories.hpp"
#include "cc/store/pg/pg_rows.hpp"

namespace cc::store {

awaitable<Result<domain::ChannelAccount>> PgChannelAccountRepository::create(
    domain::Channel channel, std::string name, std::string config_json) {
  auto job = [=](pqxx::connection& c) -> Result<domain::ChannelAccount> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "WITH ca AS (INSERT INTO channel_accounts (channel, name, config) VALUES ($1, $2, $3::jsonb) "
        "RETURNING *) SELECT " + kChannelAccountColumns + " FROM ca",
        std::string(domain::to_string(channel)), name, config_json);
    tx.commit();
    return channel_account_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::ChannelAccount>> PgChannelAccountRepository::get(domain::Id id) {
  auto job = [id](pqxx::connection& c) -> Result<domain::ChannelAccount> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT " + kChannelAccountColumns + " FROM channel_accounts ca WHERE ca.id = $1", id);
    if (rows.empty()) return Error::not_found("no such channel account");
    return channel_account_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Page<domain::ChannelAccount>>> PgChannelAccountRepository::list(
    std::optional<domain::Id> after, int limit) {
  auto job = [after, limit](pqxx::connection& c) -> Result<domain::Page<domain::ChannelAccount>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params("SELECT " + kChannelAccountColumns +
                                         " FROM channel_accounts ca WHERE ca.id > coalesce($1::bigint, 0) "
                                         "ORDER BY ca.id LIMIT $2",
                                     after, limit + 1);
    return page_from<domain::ChannelAccount>(rows, limit, channel_account_from);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::ChannelAccount>> PgChannelAccountRepository::update(
    domain::Id id, svc::ChannelAccountPatch patch) {
  auto job = [id, patch = std::move(patch)](pqxx::connection& c) -> Result<domain::ChannelAccount> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "WITH ca AS (UPDATE channel_accounts SET name = coalesce($2, name), "
        "config = coalesce($3::jsonb, config), active = coalesce($4, active), updated_at = now() "
        "WHERE id = $1 RETURNING *) SELECT " + kChannelAccountColumns + " FROM ca",
        id, patch.name, patch.config_json, patch.active);
    if (rows.empty()) return Error::not_found("no such channel account");
    tx.commit();
    return channel_account_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
