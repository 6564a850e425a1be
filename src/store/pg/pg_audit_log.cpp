#include "cc/async/log.hpp"
#include "cc/store/pg/pg_repositories.hpp"

namespace cc::store {

awaitable<void> PgAuditLog::record(svc::AuditEntry entry) {
  auto job = [entry = std::move(entry)](pqxx::connection& c) -> Result<Ok> {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO audit_log (actor_agent_id, action, target_type, target_id, details) "
        "VALUES ($1, $2, $3, $4, $5::jsonb)",
        entry.actor_agent_id, entry.action, entry.target_type, entry.target_id, entry.details.dump());
    tx.commit();
    return Ok{};
  };
  auto written = co_await pool_.run(std::move(job));
  if (!written) async::module_logger("store")->warn("audit entry not written: {}", written.error().detail);
}

}  // namespace cc::store
