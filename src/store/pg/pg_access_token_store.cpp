#include "cc/store/pg/pg_access_token_store.hpp"

#include "cc/store/pg/pg_rows.hpp"

namespace cc::store {

using boost::asio::awaitable;
using services::CachedAccessToken;

awaitable<Result<std::optional<CachedAccessToken>>> PgAccessTokenStore::get(std::string key) {
  auto job = [key = std::move(key)](pqxx::connection& c) -> Result<std::optional<CachedAccessToken>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT token, (extract(epoch FROM expires_at) * 1000)::bigint FROM wechat_access_tokens "
        "WHERE cache_key = $1 AND expires_at > now()",
        key);
    if (rows.empty()) return std::optional<CachedAccessToken>();
    return std::optional<CachedAccessToken>(
        CachedAccessToken{rows[0][0].as<std::string>(), time_from_millis(rows[0][1].as<std::int64_t>())});
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgAccessTokenStore::put(std::string key, CachedAccessToken token) {
  auto job = [key = std::move(key), token = std::move(token)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO wechat_access_tokens (cache_key, token, expires_at, updated_at) "
        "VALUES ($1, $2, to_timestamp($3::double precision / 1000), now()) "
        "ON CONFLICT (cache_key) DO UPDATE SET token = EXCLUDED.token, "
        "expires_at = EXCLUDED.expires_at, updated_at = now()",
        key, token.token, millis_of(token.expires_at));
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgAccessTokenStore::invalidate(std::string key, std::string token) {
  auto job = [key = std::move(key), token = std::move(token)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params("DELETE FROM wechat_access_tokens WHERE cache_key = $1 AND token = $2", key, token);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
