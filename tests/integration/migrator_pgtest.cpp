#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>

#include "cc/store/pg/migrator.hpp"
#include "support/pg_test_database.hpp"

namespace cc::store {
namespace {

class Migrations : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::PgTestDatabase::admin_url()) GTEST_FAIL() << "CC_TEST_PG_ADMIN_URL is not set: run the suite through scripts/test";
    database_.emplace();
  }
  std::optional<testing::PgTestDatabase> database_;
};

TEST_F(Migrations, AreRecordedAndNotAppliedTwice) {
  pqxx::connection connection(database_->url());
  {
    pqxx::nontransaction tx(connection);
    const auto versions = tx.exec("SELECT version FROM schema_migrations ORDER BY version");
    ASSERT_GE(versions.size(), 1u);
    EXPECT_EQ(versions[0][0].as<int>(), 1);
  }
  const auto report = migrate(connection, CC_MIGRATIONS_DIR);
  EXPECT_TRUE(report.applied.empty());
  EXPECT_EQ(report.previous_version, report.current_version);
}

TEST_F(Migrations, RefuseASchemaNewerThanTheServer) {
  pqxx::connection connection(database_->url());
  {
    pqxx::work tx(connection);
    tx.exec("INSERT INTO schema_migrations (version, name) VALUES (9999, 'from_the_future')");
    tx.commit();
  }
  try {
    migrate(connection, CC_MIGRATIONS_DIR);
    FAIL() << "a newer schema must stop the migration";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
}

TEST(MigrationFiles, BadNamesAreRefused) {
  const auto dir = std::filesystem::temp_directory_path() / ("cc_mig_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "0001_ok.sql") << "SELECT 1;";
  std::ofstream(dir / "2_bad.sql") << "SELECT 1;";
  EXPECT_THROW(list_migrations(dir), std::runtime_error);
  std::filesystem::remove(dir / "2_bad.sql");
  std::ofstream(dir / "0001_twice.sql") << "SELECT 1;";
  EXPECT_THROW(list_migrations(dir), std::runtime_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cc::store
