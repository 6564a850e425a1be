#pragma once
// Applies migrations/NNNN_name.sql in order, each in its own transaction, recording each in
// schema_migrations. Concurrent starters serialise on an advisory lock. Refuses to run against a
// database whose schema is newer than the files this binary ships with.
#include <filesystem>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace cc::store {

struct Migration {
  int version = 0;
  std::string name;
  std::filesystem::path file;
};

// Lists NNNN_name.sql files sorted by version; throws on a duplicate or malformed name.
std::vector<Migration> list_migrations(const std::filesystem::path& directory);

struct MigrationReport {
  int previous_version = 0;
  int current_version = 0;
  std::vector<std::string> applied;
};

// Throws std::runtime_error with a message naming the problem.
MigrationReport migrate(pqxx::connection& connection, const std::filesystem::path& directory);

}  // namespace cc::store
