#include "pg_assignment_rows.hpp"

#include <sstream>

namespace cc::store::assignment_rows {
namespace {

namespace svc = cc::services;

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

const char* kQueueColumns =
    "q.id, q.key, q.name, q.strategy, q.offer_timeout_seconds, q.wrap_up_seconds, q.offline_action, "
    "q.offline_grace_seconds, coalesce(q.transfer_queue, '') AS transfer_queue, q.round_robin_last, "
    "coalesce((SELECT string_agg(m.agent_id::text, ',') FROM queue_members m WHERE m.queue_id = q.id), "
    "'') AS members";

}  // namespace

std::string bigint_array(const std::vector<domain::Id>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "}";
}

std::string int_array(const std::vector<int>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "}";
}

std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (const char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

services::QueueSettings queue_from(const pqxx::row& row) {
  svc::QueueSettings q;
  q.id = row["id"].as<domain::Id>();
  q.key = row["key"].c_str();
  q.name = row["name"].c_str();
  q.strategy = svc::parse_queue_strategy(row["strategy"].c_str()).value_or(svc::QueueStrategy::longest_idle);
  q.offer_timeout_seconds = row["offer_timeout_seconds"].as<int>();
  q.wrap_up_seconds = row["wrap_up_seconds"].as<int>();
  q.offline_action = svc::parse_offline_action(row["offline_action"].c_str()).value_or(svc::OfflineAction::keep);
  q.offline_grace_seconds = row["offline_grace_seconds"].as<int>();
  q.transfer_queue = row["transfer_queue"].c_str();
  q.round_robin_last = row["round_robin_last"].as<domain::Id>();
  for (const auto& id : split(row["members"].c_str(), ',')) q.members.push_back(std::stoll(id));
  return q;
}

std::map<std::string, services::QueueSettings> load_queues(pqxx::transaction_base& tx,
                                                           const std::string& only_key) {
  std::map<std::string, svc::QueueSettings> queues;
  const auto rows = tx.exec_params(std::string("SELECT ") + kQueueColumns +
                                       " FROM queues q WHERE ($1 = '' OR q.key = $1) ORDER BY q.key",
                                   only_key);
  for (const auto& row : rows) {
    auto queue = queue_from(row);
    auto key = queue.key;
    queues.emplace(std::move(key), std::move(queue));
  }
  return queues;
}

std::vector<services::AgentSnapshot> load_agents(pqxx::transaction_base& tx, bool online_locked) {
  std::string sql =
      "SELECT a.id, a.name, a.active, a.role, a.status, array_to_string(a.languages, ',') AS languages, "
      "coalesce((a.capacity->>'webchat')::int, 0) AS c0, coalesce((a.capacity->>'wechat')::int, 0) AS c1, "
      "coalesce((a.capacity->>'sms')::int, 0) AS c2, coalesce((a.capacity->>'email')::int, 0) AS c3, "
      "coalesce((a.capacity->>'voice')::int, 0) AS c4, coalesce((a.capacity->>'api')::int, 0) AS c5, "
      "(extract(epoch from greatest(coalesce(a.last_assigned_at, a.status_changed_at), "
      "a.status_changed_at)) * 1000)::bigint AS idle_ms, "
      "CASE WHEN a.assigned_day = current_date THEN a.assigned_today ELSE 0 END AS today, "
      "coalesce((SELECT string_agg(s.skill || '=' || s.level, ',') FROM agent_skills s "
      "WHERE s.agent_id = a.id), '') AS skills FROM agents a ";
  // NO KEY UPDATE, not UPDATE: it still serialises assignment rounds, but lets a reply's insert
  // (its foreign key to the agent takes KEY SHARE) proceed, which would otherwise deadlock.
  sql += online_locked
             ? "WHERE a.status = 'online' AND a.active AND a.role = 'agent' ORDER BY a.id FOR NO KEY UPDATE OF a"
             : "WHERE a.active ORDER BY a.id";
  std::vector<svc::AgentSnapshot> agents;
  std::map<domain::Id, std::size_t> index;
  for (const auto& row : tx.exec(sql)) {
    svc::AgentSnapshot a;
    a.id = row["id"].as<domain::Id>();
    a.name = row["name"].c_str();
    a.active = row["active"].as<bool>();
    a.is_agent_role = std::string_view(row["role"].c_str()) == "agent";
    a.status = domain::parse_agent_status(row["status"].c_str()).value_or(domain::AgentStatus::offline);
    a.languages = split(row["languages"].c_str(), ',');
    for (std::size_t c = 0; c < svc::kChannelCount; ++c) a.capacity[c] = row[static_cast<int>(6 + c)].as<int>();
    a.idle_since = domain::TimePoint(std::chrono::milliseconds(row["idle_ms"].as<std::int64_t>()));
    a.assigned_today = row["today"].as<int>();
    for (const auto& pair : split(row["skills"].c_str(), ',')) {
      const auto eq = pair.rfind('=');
      if (eq != std::string::npos) a.skills[pair.substr(0, eq)] = std::stoi(pair.substr(eq + 1));
    }
    index[a.id] = agents.size();
    agents.push_back(std::move(a));
  }
  if (agents.empty()) return agents;
  // Load: open conversations, conversations in wrap-up, pending offers; per channel.
  const auto loads = tx.exec(
      "SELECT assignee_id, channel, count(*)::int FROM conversations WHERE status = 'open' "
      "AND assignee_id IS NOT NULL GROUP BY 1, 2 "
      "UNION ALL SELECT c.assignee_id, c.channel, count(*)::int FROM conversations c "
      "JOIN routing_tasks t ON t.conversation_id = c.id JOIN queues q ON q.key = t.queue_key "
      "WHERE c.status = 'closed' AND c.assignee_id IS NOT NULL AND q.wrap_up_seconds > 0 "
      "AND c.closed_at > now() - interval '1 hour' "
      "AND c.closed_at > now() - make_interval(secs => q.wrap_up_seconds) GROUP BY 1, 2 "
      "UNION ALL SELECT agent_id, channel, count(*)::int FROM task_offers WHERE state = 'pending' "
      "GROUP BY 1, 2 "
      // A call being offered, ringing or talked on (voice_calls, the SIP side) fills the voice
      // slot; the matcher then treats the agent as busy for every channel.
      "UNION ALL SELECT agent_id, 'voice', count(*)::int FROM voice_calls WHERE agent_id IS NOT NULL "
      "AND state IN ('offered', 'ringing', 'answered') GROUP BY 1");
  for (const auto& row : loads) {
    const auto it = index.find(row[0].as<domain::Id>());
    if (it == index.end()) continue;
    const auto channel = domain::parse_channel(row[1].c_str());
    if (!channel) continue;
    agents[it->second].load[svc::channel_index(*channel)] += row[2].as<int>();
  }
  return agents;
}

}  // namespace cc::store::assignment_rows
