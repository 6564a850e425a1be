#include "support/pg_test_database.hpp"

#include <atomic>
#include <cstdlib>
#include <pqxx/pqxx>
#include <unistd.h>

#include "cc/store/pg/migrator.hpp"

namespace cc::testing {

std::optional<std::string> PgTestDatabase::admin_url() {
  const char* value = std::getenv("CC_TEST_PG_ADMIN_URL");
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

PgTestDatabase::PgTestDatabase() {
  static std::atomic<int> counter{0};
  const auto admin = admin_url().value();
  name_ = "cc_it_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  {
    pqxx::connection connection(admin);
    pqxx::nontransaction tx(connection);
    tx.exec("DROP DATABASE IF EXISTS " + name_);
    tx.exec("CREATE DATABASE " + name_);
  }
  url_ = admin.substr(0, admin.rfind('/') + 1) + name_;
  pqxx::connection connection(url_);
  store::migrate(connection, CC_MIGRATIONS_DIR);
}

PgTestDatabase::~PgTestDatabase() {
  try {
    pqxx::connection connection(admin_url().value());
    pqxx::nontransaction tx(connection);
    tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
    // Leaving a throwaway database behind is harmless; the cluster is deleted after the run.
  }
}

}  // namespace cc::testing
