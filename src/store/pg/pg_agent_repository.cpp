#include "cc/store/pg/pg_page.hpp"
#include "cc/store/pg/pg_repositories.hpp"
#include "cc/store/pg/pg_rows.hpp"

namespace cc::store {
namespace {

std::vector<domain::Id> ids_of(const pqxx::result& rows) {
  std::vector<domain::Id> ids;
  ids.reserve(rows.size());
  for (const auto& row : rows) ids.push_back(row[0].as<domain::Id>());
  return ids;
}

std::optional<std::string> role_text(const std::optional<domain::Role>& role) {
  if (!role) return std::nullopt;
  return std::string(domain::to_string(*role));
}

}  // namespace

awaitable<Result<domain::Agent>> PgAgentRepository::create(svc::NewAgent agent) {
  auto job = [agent = std::move(agent)](pqxx::connection& c) -> Result<domain::Agent> {
    try {
      pqxx::work tx(c);
      const auto rows = tx.exec_params(
          "WITH a AS (INSERT INTO agents (email, name, role, password_hash) VALUES ($1, $2, $3, $4) "
          "RETURNING *) SELECT " + kAgentColumns + " FROM a",
          agent.email, agent.name, std::string(domain::to_string(agent.role)), agent.password_hash);
      tx.commit();
      return agent_from(rows[0]);
    } catch (const pqxx::unique_violation&) {
      return Error::conflict("an agent with this email exists");
    }
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Agent>> PgAgentRepository::get(domain::Id id) {
  auto job = [id](pqxx::connection& c) -> Result<domain::Agent> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params("SELECT " + kAgentColumns + " FROM agents a WHERE a.id = $1", id);
    if (rows.empty()) return Error::not_found("no such agent");
    return agent_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<svc::AgentCredentials>> PgAgentRepository::find_by_email(std::string email) {
  auto job = [email = std::move(email)](pqxx::connection& c) -> Result<svc::AgentCredentials> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params("SELECT " + kAgentColumns +
                                         ", a.password_hash FROM agents a WHERE lower(a.email) = lower($1)",
                                     email);
    if (rows.empty()) return Error::not_found("no such agent");
    return svc::AgentCredentials{agent_from(rows[0]), rows[0]["password_hash"].c_str()};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Page<domain::Agent>>> PgAgentRepository::list(std::optional<domain::Id> after,
                                                                       int limit) {
  auto job = [after, limit](pqxx::connection& c) -> Result<domain::Page<domain::Agent>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params("SELECT " + kAgentColumns +
                                         " FROM agents a WHERE a.id > coalesce($1::bigint, 0) ORDER BY a.id LIMIT $2",
                                     after, limit + 1);
    return page_from<domain::Agent>(rows, limit, agent_from);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Agent>> PgAgentRepository::update(domain::Id id, svc::AgentPatch patch) {
  auto job = [id, patch = std::move(patch)](pqxx::connection& c) -> Result<domain::Agent> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "WITH a AS (UPDATE agents SET name = coalesce($2, name), "
        "password_hash = coalesce($3, password_hash), role = coalesce($4, role), "
        "active = coalesce($5, active), "
        "status = CASE WHEN coalesce($5, active) THEN status ELSE 'offline' END, "
        "sip_uri = CASE WHEN $6::text IS NULL THEN sip_uri WHEN $6 = '' THEN NULL ELSE $6 END, "
        "updated_at = now() WHERE id = $1 RETURNING *) SELECT " + kAgentColumns + " FROM a",
        id, patch.name, patch.password_hash, role_text(patch.role), patch.active, patch.sip_uri);
    if (rows.empty()) return Error::not_found("no such agent");
    tx.commit();
    return agent_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Agent>> PgAgentRepository::set_status(domain::Id id,
                                                               domain::AgentStatus status) {
  auto job = [id, status](pqxx::connection& c) -> Result<domain::Agent> {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "WITH a AS (UPDATE agents SET status = $2, status_changed_at = now(), updated_at = now() "
        "WHERE id = $1 RETURNING *) SELECT " + kAgentColumns + " FROM a",
        id, std::string(domain::to_string(status)));
    if (rows.empty()) return Error::not_found("no such agent");
    tx.commit();
    return agent_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<domain::Id>>> PgAgentRepository::online_agent_ids() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<domain::Id>> {
    pqxx::nontransaction tx(c);
    return ids_of(tx.exec("SELECT id FROM agents WHERE status = 'online' AND active ORDER BY id"));
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<domain::Id>>> PgAgentRepository::online_supervisor_ids() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<domain::Id>> {
    pqxx::nontransaction tx(c);
    return ids_of(tx.exec(
        "SELECT id FROM agents WHERE status = 'online' AND active AND role <> 'agent' ORDER BY id"));
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
