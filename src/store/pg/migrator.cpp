#include "cc/store/pg/migrator.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace cc::store {
namespace {
constexpr long kAdvisoryLockKey = 0x63635f6d69677261;  // "cc_migra"

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read migration " + file.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}
}  // namespace

std::vector<Migration> list_migrations(const std::filesystem::path& directory) {
  if (!std::filesystem::is_directory(directory)) {
    throw std::runtime_error("migrations directory not found: " + directory.string());
  }
  static const std::regex kName(R"(^(\d{4})_([a-z0-9_]+)\.sql$)");
  std::vector<Migration> migrations;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    const auto filename = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    std::smatch match;
    if (!std::regex_match(filename, match, kName)) {
      throw std::runtime_error("migration file name must be NNNN_name.sql: " + filename);
    }
    migrations.push_back(Migration{std::stoi(match[1]), match[2], entry.path()});
  }
  std::sort(migrations.begin(), migrations.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version == migrations[i - 1].version) {
      throw std::runtime_error("two migrations share version " +
                               std::to_string(migrations[i].version));
    }
  }
  return migrations;
}

MigrationReport migrate(pqxx::connection& connection, const std::filesystem::path& directory) {
  const auto migrations = list_migrations(directory);
  const int newest_known = migrations.empty() ? 0 : migrations.back().version;
  {
    pqxx::nontransaction setup(connection);
    setup.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY, name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    setup.exec_params("SELECT pg_advisory_lock($1)", kAdvisoryLockKey);
  }
  MigrationReport report;
  try {
    {
      pqxx::nontransaction read(connection);
      report.previous_version =
          read.exec("SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0].as<int>();
    }
    if (report.previous_version > newest_known) {
      throw std::runtime_error("database schema version " + std::to_string(report.previous_version) +
                               " is newer than this server's " + std::to_string(newest_known) +
                               "; upgrade the server instead");
    }
    for (const auto& migration : migrations) {
      if (migration.version <= report.previous_version) continue;
      pqxx::work transaction(connection);
      transaction.exec(read_file(migration.file));
      transaction.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                              migration.version, migration.name);
      transaction.commit();
      report.applied.push_back(migration.file.filename().string());
    }
  } catch (...) {
    pqxx::nontransaction unlock(connection);
    unlock.exec_params("SELECT pg_advisory_unlock($1)", kAdvisoryLockKey);
    throw;
  }
  pqxx::nontransaction unlock(connection);
  unlock.exec_params("SELECT pg_advisory_unlock($1)", kAdvisoryLockKey);
  report.current_version = std::max(report.previous_version, newest_known);
  return report;
}

}  // namespace cc::store
