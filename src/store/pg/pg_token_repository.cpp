#include "cc/store/pg/pg_repositories.hpp"
#include "cc/store/pg/pg_rows.hpp"

namespace cc::store {

awaitable<Status> PgTokenRepository::store(domain::Id agent_id, std::string token_hash,
                                           domain::TimePoint expires_at) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO access_tokens (token_hash, agent_id, expires_at) "
        "VALUES ($1, $2, to_timestamp($3::double precision / 1000))",
        token_hash, agent_id, millis_of(expires_at));
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Principal>> PgTokenRepository::find_active(std::string token_hash) {
  auto job = [token_hash = std::move(token_hash)](pqxx::connection& c) -> Result<domain::Principal> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT a.id, a.role FROM access_tokens t JOIN agents a ON a.id = t.agent_id "
        "WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND a.active",
        token_hash);
    if (rows.empty()) return Error::unauthorized("the token is unknown, expired or revoked");
    const auto role = domain::parse_role(rows[0][1].c_str());
    if (!role) return Error::unauthorized("the token's agent has no valid role");
    return domain::Principal{rows[0][0].as<domain::Id>(), *role, token_hash};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgTokenRepository::revoke(std::string token_hash) {
  auto job = [token_hash = std::move(token_hash)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "UPDATE access_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL",
        token_hash);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
