// PgWorkflowStore: routing_workflow_draft / _versions / _active.
#include "cc/store/pg/pg_rows.hpp"
#include "cc/store/pg/pg_routing_store.hpp"

namespace cc::store {
namespace {

using services::WorkflowDraft;
using services::WorkflowVersion;

const char* kVersionColumns =
    "v.version, v.document::text, (extract(epoch FROM v.created_at) * 1000)::bigint, v.created_by, "
    "v.version = (SELECT version FROM routing_workflow_active WHERE id = 1)";

WorkflowVersion version_from(const pqxx::row& row) {
  WorkflowVersion v;
  v.version = row[0].as<int>();
  v.document = row[1].as<std::string>();
  v.created_at = time_from_millis(row[2].as<std::int64_t>());
  if (!row[3].is_null()) v.created_by = row[3].as<domain::Id>();
  v.active = !row[4].is_null() && row[4].as<bool>();
  return v;
}

}  // namespace

boost::asio::awaitable<Result<WorkflowDraft>> PgWorkflowStore::draft() {
  auto job = [](pqxx::connection& c) -> Result<WorkflowDraft> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec(
        "SELECT document::text, revision, (extract(epoch FROM updated_at) * 1000)::bigint "
        "FROM routing_workflow_draft WHERE id = 1");
    WorkflowDraft draft;
    if (rows.empty()) return draft;
    draft.document = rows[0][0].as<std::string>();
    draft.revision = rows[0][1].as<long long>();
    draft.updated_at = time_from_millis(rows[0][2].as<std::int64_t>());
    return draft;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<WorkflowDraft>> PgWorkflowStore::save_draft(std::string document,
                                                                          long long expected_revision,
                                                                          std::optional<domain::Id> by) {
  auto job = [document = std::move(document), expected_revision, by](pqxx::connection& c) -> Result<WorkflowDraft> {
    pqxx::work tx(c);
    // Insert the first draft, or update when the revision is the one the editor read.
    const auto rows = tx.exec_params(
        "INSERT INTO routing_workflow_draft AS d (id, document, revision, updated_by) "
        "SELECT 1, $1::jsonb, 1, $3 WHERE $2 = 0 "
        "ON CONFLICT (id) DO NOTHING RETURNING revision, (extract(epoch FROM updated_at) * 1000)::bigint",
        document, expected_revision, by);
    pqxx::result saved = rows;
    if (saved.empty()) {
      saved = tx.exec_params(
          "UPDATE routing_workflow_draft SET document = $1::jsonb, revision = revision + 1, "
          "updated_by = $3, updated_at = now() WHERE id = 1 AND revision = $2 "
          "RETURNING revision, (extract(epoch FROM updated_at) * 1000)::bigint",
          document, expected_revision, by);
    }
    if (saved.empty()) return Error::conflict("the draft changed since it was read (If-Match)");
    tx.commit();
    WorkflowDraft draft;
    draft.document = document;
    draft.revision = saved[0][0].as<long long>();
    draft.updated_at = time_from_millis(saved[0][1].as<std::int64_t>());
    return draft;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<int>> PgWorkflowStore::add_active_version(std::string document,
                                                                        std::optional<domain::Id> by) {
  auto job = [document = std::move(document), by](pqxx::connection& c) -> Result<int> {
    pqxx::work tx(c);
    const auto version = tx.exec_params1(
        "INSERT INTO routing_workflow_versions (document, created_by) VALUES ($1::jsonb, $2) "
        "RETURNING version", document, by)[0].as<int>();
    tx.exec_params(
        "INSERT INTO routing_workflow_active (id, version, activated_by) VALUES (1, $1, $2) "
        "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, "
        "activated_by = EXCLUDED.activated_by, activated_at = now()",
        version, by);
    tx.commit();
    return version;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<Ok>> PgWorkflowStore::set_active(int version, std::optional<domain::Id> by) {
  auto job = [version, by](pqxx::connection& c) -> Result<Ok> {
    pqxx::work tx(c);
    if (tx.exec_params("SELECT 1 FROM routing_workflow_versions WHERE version = $1", version).empty()) {
      return Error::not_found("no such workflow version");
    }
    tx.exec_params(
        "INSERT INTO routing_workflow_active (id, version, activated_by) VALUES (1, $1, $2) "
        "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, "
        "activated_by = EXCLUDED.activated_by, activated_at = now()",
        version, by);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<std::optional<WorkflowVersion>>> PgWorkflowStore::active() {
  auto job = [](pqxx::connection& c) -> Result<std::optional<WorkflowVersion>> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec(std::string("SELECT ") + kVersionColumns +
                              " FROM routing_workflow_versions v JOIN routing_workflow_active a "
                              "ON a.version = v.version WHERE a.id = 1");
    if (rows.empty()) return std::optional<WorkflowVersion>();
    return std::optional<WorkflowVersion>(version_from(rows[0]));
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<int>> PgWorkflowStore::active_version() {
  auto job = [](pqxx::connection& c) -> Result<int> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec("SELECT version FROM routing_workflow_active WHERE id = 1");
    return rows.empty() ? 0 : rows[0][0].as<int>();
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<std::vector<WorkflowVersion>>> PgWorkflowStore::versions(int limit) {
  auto job = [limit](pqxx::connection& c) -> Result<std::vector<WorkflowVersion>> {
    pqxx::read_transaction tx(c);
    std::vector<WorkflowVersion> out;
    for (const auto& row : tx.exec_params(std::string("SELECT ") + kVersionColumns +
                                              " FROM routing_workflow_versions v ORDER BY v.version DESC LIMIT $1",
                                          limit)) {
      out.push_back(version_from(row));
    }
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<WorkflowVersion>> PgWorkflowStore::version(int number) {
  auto job = [number](pqxx::connection& c) -> Result<WorkflowVersion> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_params(std::string("SELECT ") + kVersionColumns +
                                         " FROM routing_workflow_versions v WHERE v.version = $1",
                                     number);
    if (rows.empty()) return Error::not_found("no such workflow version");
    return version_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
