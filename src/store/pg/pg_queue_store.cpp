// Queues, agents' routing profiles and read-only snapshots (candidates, customer tier).
#include <nlohmann/json.hpp>
#include <set>

#include "cc/store/pg/pg_assignment_store.hpp"
#include "pg_assignment_rows.hpp"

namespace cc::store {

namespace svc = cc::services;
using namespace assignment_rows;
using boost::asio::awaitable;

namespace {

void replace_members(pqxx::work& tx, domain::Id queue_id, const std::vector<domain::Id>& members) {
  tx.exec_params("DELETE FROM queue_members WHERE queue_id = $1", queue_id);
  tx.exec_params(
      "INSERT INTO queue_members (queue_id, agent_id) SELECT $1, a.id FROM agents a "
      "WHERE a.id = ANY($2::bigint[]) ON CONFLICT DO NOTHING",
      queue_id, bigint_array(members));
}

Result<svc::QueueSettings> reload(pqxx::work& tx, const std::string& key) {
  auto queues = load_queues(tx, key);
  if (queues.empty()) return Error::not_found("no such queue");
  return queues.begin()->second;
}

std::optional<Error> unknown_members(pqxx::work& tx, const std::optional<std::vector<domain::Id>>& members) {
  if (!members || members->empty()) return std::nullopt;
  const auto found = tx.exec_params("SELECT count(*) FROM agents WHERE id = ANY($1::bigint[])",
                                    bigint_array(*members))[0][0].as<std::size_t>();
  std::set<domain::Id> distinct(members->begin(), members->end());
  if (found != distinct.size()) return Error::invalid("a member is not a known agent", "/members");
  return std::nullopt;
}

}  // namespace

awaitable<Result<std::vector<svc::QueueSettings>>> PgAssignmentStore::list_queues() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<svc::QueueSettings>> {
    pqxx::read_transaction tx(c);
    std::vector<svc::QueueSettings> out;
    for (auto& [key, queue] : load_queues(tx)) out.push_back(std::move(queue));
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<svc::QueueSettings>> PgAssignmentStore::get_queue(std::string key) {
  auto job = [key = std::move(key)](pqxx::connection& c) -> Result<svc::QueueSettings> {
    pqxx::read_transaction tx(c);
    auto queues = load_queues(tx, key);
    if (queues.empty()) return Error::not_found("no such queue");
    return queues.begin()->second;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<svc::QueueSettings>> PgAssignmentStore::create_queue(svc::QueueDraft draft) {
  auto job = [draft = std::move(draft)](pqxx::connection& c) -> Result<svc::QueueSettings> {
    try {
      pqxx::work tx(c);
      if (auto error = unknown_members(tx, draft.members)) return *error;
      const auto rows = tx.exec_params(
          "INSERT INTO queues (key, name, strategy, offer_timeout_seconds, wrap_up_seconds, "
          "offline_action, offline_grace_seconds, transfer_queue) VALUES ($1, $2, $3, $4, $5, $6, $7, "
          "nullif($8, '')) RETURNING id",
          draft.key, draft.name, std::string(svc::to_string(draft.strategy)), draft.offer_timeout_seconds,
          draft.wrap_up_seconds, std::string(svc::to_string(draft.offline_action)),
          draft.offline_grace_seconds, draft.transfer_queue);
      if (draft.members) replace_members(tx, rows[0][0].as<domain::Id>(), *draft.members);
      auto queue = reload(tx, draft.key);
      tx.commit();
      return queue;
    } catch (const pqxx::unique_violation&) {
      return Error::conflict("a queue with this key exists");
    }
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<svc::QueueSettings>> PgAssignmentStore::update_queue(std::string key, svc::QueueDraft draft) {
  auto job = [key = std::move(key), draft = std::move(draft)](pqxx::connection& c) -> Result<svc::QueueSettings> {
    pqxx::work tx(c);
    if (auto error = unknown_members(tx, draft.members)) return *error;
    const auto rows = tx.exec_params(
        "UPDATE queues SET name = $2, strategy = $3, offer_timeout_seconds = $4, wrap_up_seconds = $5, "
        "offline_action = $6, offline_grace_seconds = $7, transfer_queue = nullif($8, ''), "
        "updated_at = now() WHERE key = $1 RETURNING id",
        key, draft.name, std::string(svc::to_string(draft.strategy)), draft.offer_timeout_seconds,
        draft.wrap_up_seconds, std::string(svc::to_string(draft.offline_action)), draft.offline_grace_seconds,
        draft.transfer_queue);
    if (rows.empty()) return Error::not_found("no such queue");
    if (draft.members) replace_members(tx, rows[0][0].as<domain::Id>(), *draft.members);
    auto queue = reload(tx, key);
    tx.commit();
    return queue;
  };
  co_return co_await pool_.run(std::move(job));
}

namespace {

Result<svc::AgentRoutingProfile> read_profile(pqxx::transaction_base& tx, domain::Id agent_id) {
  const auto rows = tx.exec_params(
      "SELECT array_to_string(languages, ','), capacity::text FROM agents WHERE id = $1", agent_id);
  if (rows.empty()) return Error::not_found("no such agent");
  svc::AgentRoutingProfile profile;
  profile.agent_id = agent_id;
  const std::string languages = rows[0][0].c_str();
  for (std::size_t start = 0; start < languages.size();) {
    const auto comma = std::min(languages.find(',', start), languages.size());
    if (comma > start) profile.languages.push_back(languages.substr(start, comma - start));
    start = comma + 1;
  }
  const auto capacity = nlohmann::json::parse(rows[0][1].c_str());
  if (capacity.is_object()) {
    for (auto it = capacity.begin(); it != capacity.end(); ++it) {
      if (it->is_number_integer()) profile.capacity[it.key()] = it->get<int>();
    }
  }
  for (const auto& row : tx.exec_params(
           "SELECT skill, level FROM agent_skills WHERE agent_id = $1 ORDER BY skill", agent_id)) {
    profile.skills[row[0].c_str()] = row[1].as<int>();
  }
  return profile;
}

}  // namespace

awaitable<Result<svc::AgentRoutingProfile>> PgAssignmentStore::get_profile(domain::Id agent_id) {
  auto job = [agent_id](pqxx::connection& c) -> Result<svc::AgentRoutingProfile> {
    pqxx::read_transaction tx(c);
    return read_profile(tx, agent_id);
  };
  co_return co_await pool_.run(std::move(job));
}

// Skills and languages are replaced; capacity is merged per channel (channels left out keep
// theirs).
awaitable<Result<svc::AgentRoutingProfile>> PgAssignmentStore::put_profile(svc::AgentRoutingProfile profile) {
  auto job = [profile](pqxx::connection& c) -> Result<svc::AgentRoutingProfile> {
    pqxx::work tx(c);
    nlohmann::json capacity = nlohmann::json::object();
    for (const auto& [channel, slots] : profile.capacity) capacity[channel] = slots;
    const auto updated = tx.exec_params(
        "UPDATE agents SET languages = $2::text[], capacity = capacity || $3::jsonb, updated_at = now() "
        "WHERE id = $1 RETURNING id",
        profile.agent_id, text_array(profile.languages), capacity.dump());
    if (updated.empty()) return Error::not_found("no such agent");
    std::vector<std::string> skills;
    std::vector<int> levels;
    for (const auto& [skill, level] : profile.skills) {
      skills.push_back(skill);
      levels.push_back(level);
    }
    tx.exec_params("DELETE FROM agent_skills WHERE agent_id = $1", profile.agent_id);
    tx.exec_params(
        "INSERT INTO agent_skills (agent_id, skill, level) SELECT $1, u.s, u.l FROM "
        "unnest($2::text[], $3::int[]) AS u(s, l)",
        profile.agent_id, text_array(skills), int_array(levels));
    auto stored = read_profile(tx, profile.agent_id);
    tx.commit();
    return stored;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::vector<svc::AgentSnapshot>>> PgAssignmentStore::agent_snapshots() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<svc::AgentSnapshot>> {
    pqxx::read_transaction tx(c);
    return load_agents(tx, false);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::string>> PgAssignmentStore::customer_tier(domain::Id customer_id) {
  auto job = [customer_id](pqxx::connection& c) -> Result<std::string> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params("SELECT tier FROM customers WHERE id = $1", customer_id);
    if (rows.empty()) return Error::not_found("no such customer");
    return std::string(rows[0][0].c_str());
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
