#include "cc/store/pg/pg_repositories.hpp"

namespace cc::store {

awaitable<bool> PgHealthProbe::database_ready() {
  auto job = [](pqxx::connection& c) -> Result<Ok> {
    pqxx::nontransaction tx(c);
    tx.exec("SELECT 1");
    return Ok{};
  };
  auto result = co_await pool_.run(std::move(job));
  co_return result.has_value();
}

}  // namespace cc::store
