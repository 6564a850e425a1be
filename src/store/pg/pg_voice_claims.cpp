// Agents for a batch of new calls. The calls of one queue (and skill set) take one pick: the
// free agents in the queue's order, the callers' preferred agents first; then one insert of all
// their voice_calls rows. No row locks on agents: assignment rounds hold those for their whole
// transaction, and a call must not wait for (or skip every agent during) a round. Instead the
// partial unique index voice_calls_one_live_call_per_agent settles a race with another
// instance's batch: the row is not inserted, and such a call, like a Call-ID seen before, takes
// the one-call statement, which also answers a repeated Call-ID with its first agent. Statements
// are prepared once per connection: planning them cost more than running them.
#include "pg_voice_claims.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "pg_assignment_rows.hpp"

namespace cc::store {

namespace svc = cc::services;

namespace {

constexpr int kClaimAttempts = 4;

// The one-call path: pick and insert in one statement (see the file comment).
const char* kClaimOneSql =
    "WITH existing AS (SELECT v.agent_id, coalesce(a.sip_uri, '') AS sip_uri FROM voice_calls v "
    "JOIN agents a ON a.id = v.agent_id WHERE v.channel_account_id = $1 AND v.call_id = $2), "
    "q AS (SELECT id, key, strategy FROM queues WHERE key IN ($5, 'default') "
    "ORDER BY (key = $5) DESC LIMIT 1), "
    "pref AS (SELECT coalesce($7::bigint, (SELECT c.assignee_id FROM conversations c WHERE c.customer_id = $8 "
    "AND c.assignee_id IS NOT NULL ORDER BY c.id DESC LIMIT 1)) AS id), "
    "cand AS (SELECT a.id, a.sip_uri FROM agents a, q WHERE NOT EXISTS (SELECT 1 FROM existing) "
    "AND a.active AND a.role = 'agent' AND a.status = 'online' AND coalesce(a.sip_uri, '') <> '' "
    "AND coalesce((a.capacity->>'voice')::int, 0) > (SELECT count(*) FROM conversations c "
    "WHERE c.assignee_id = a.id AND c.status = 'open' AND c.channel = 'voice') "
    "AND (NOT EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = q.id) "
    "OR EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = q.id AND m.agent_id = a.id)) "
    "AND NOT EXISTS (SELECT 1 FROM unnest($6::text[]) s(skill) WHERE NOT EXISTS (SELECT 1 FROM agent_skills k "
    "WHERE k.agent_id = a.id AND k.skill = s.skill AND k.level >= 1)) "
    "AND NOT EXISTS (SELECT 1 FROM voice_calls v WHERE v.agent_id = a.id "
    "AND v.state IN ('offered', 'ringing', 'answered')) "
    "AND NOT EXISTS (SELECT 1 FROM task_offers o WHERE o.agent_id = a.id AND o.state = 'pending' "
    "AND o.channel = 'voice') "
    "ORDER BY (a.id = (SELECT id FROM pref)) IS TRUE DESC, "
    "CASE WHEN q.strategy = 'fewest_today' AND a.assigned_day = current_date THEN a.assigned_today ELSE 0 END, "
    "greatest(coalesce(a.last_assigned_at, a.status_changed_at), a.status_changed_at), a.id "
    "LIMIT 1), "
    "ins AS (INSERT INTO voice_calls (channel_account_id, call_id, caller, did, queue, customer_id, agent_id, "
    "state, offered_at) SELECT $1, $2, $3, $4, $5, $8, cand.id, 'offered', clock_timestamp() FROM cand "
    "ON CONFLICT DO NOTHING "
    "RETURNING agent_id) "
    "SELECT 'new', ins.agent_id, (SELECT sip_uri FROM agents WHERE id = ins.agent_id) FROM ins "
    "UNION ALL SELECT 'existing', agent_id, sip_uri FROM existing "
    "UNION ALL SELECT 'lost', id, '' FROM cand";

// Picks and claims an agent for one call inside the batch's transaction; nullopt when nobody
// is free. The statement sees the calls this transaction claimed before it.
std::optional<svc::VoiceClaim> claim_one(pqxx::connection& c, pqxx::transaction_base& tx,
                                         const svc::VoiceClaimRequest& request) {
  c.prepare("voice_claim_one", kClaimOneSql);
  const auto skills = assignment_rows::text_array(request.skills);
  const auto queue = request.queue.empty() ? std::string("default") : request.queue;
  for (int attempt = 0; attempt < kClaimAttempts; ++attempt) {
    const auto rows = tx.exec_prepared("voice_claim_one", request.channel_account_id, request.call_id, request.caller,
                                     request.did, queue, skills, request.preferred_agent_id, request.customer_id);
    bool lost = false;
    for (const auto& row : rows) {
      if (std::string_view(row[0].c_str()) == "lost") {
        lost = true;
      } else if (!row[1].is_null()) {
        return svc::VoiceClaim{row[1].as<domain::Id>(), row[2].c_str()};
      }
    }
    if (!lost) return std::nullopt;  // nobody free
    // Another instance committed a call for the candidate meanwhile (or this Call-ID arrived
    // twice at once): the next statement sees that commit.
  }
  return std::nullopt;
}

// Up to $4 free agents of queue $1 with every skill in $2, preferred ones ($3) first.
const char* kPickSql =
    "WITH q AS (SELECT id, key, strategy FROM queues WHERE key IN ($1, 'default') "
    "ORDER BY (key = $1) DESC LIMIT 1) "
    "SELECT a.id, a.sip_uri FROM agents a, q "
    "WHERE a.active AND a.role = 'agent' AND a.status = 'online' AND coalesce(a.sip_uri, '') <> '' "
    "AND coalesce((a.capacity->>'voice')::int, 0) > (SELECT count(*) FROM conversations c "
    "WHERE c.assignee_id = a.id AND c.status = 'open' AND c.channel = 'voice') "
    "AND (NOT EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = q.id) "
    "OR EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = q.id AND m.agent_id = a.id)) "
    "AND NOT EXISTS (SELECT 1 FROM unnest($2::text[]) s(skill) WHERE NOT EXISTS (SELECT 1 FROM agent_skills k "
    "WHERE k.agent_id = a.id AND k.skill = s.skill AND k.level >= 1)) "
    "AND NOT EXISTS (SELECT 1 FROM voice_calls v WHERE v.agent_id = a.id "
    "AND v.state IN ('offered', 'ringing', 'answered')) "
    "AND NOT EXISTS (SELECT 1 FROM task_offers o WHERE o.agent_id = a.id AND o.state = 'pending' "
    "AND o.channel = 'voice') "
    "ORDER BY a.id = ANY($3::bigint[]) DESC, "
    "CASE WHEN q.strategy = 'fewest_today' AND a.assigned_day = current_date THEN a.assigned_today ELSE 0 END, "
    "greatest(coalesce(a.last_assigned_at, a.status_changed_at), a.status_changed_at), a.id "
    "LIMIT $4";

// The calls' rows; returns the Call-IDs actually inserted.
const char* kInsertSql =
    "INSERT INTO voice_calls (channel_account_id, call_id, caller, did, queue, customer_id, agent_id, state, "
    "offered_at) SELECT account, call_id, caller, did, queue, customer, agent, 'offered', clock_timestamp() "
    "FROM jsonb_to_recordset($1::jsonb) AS x(account bigint, call_id text, caller text, did text, queue text, "
    "customer bigint, agent bigint) ON CONFLICT DO NOTHING RETURNING channel_account_id, call_id";

// Each customer's last agent (the default preference).
const char* kLastAgentsSql =
    "SELECT DISTINCT ON (c.customer_id) c.customer_id, c.assignee_id FROM conversations c "
    "WHERE c.customer_id = ANY($1::bigint[]) AND c.assignee_id IS NOT NULL ORDER BY c.customer_id, c.id DESC";

using CallKey = std::pair<domain::Id, std::string>;  // (channel account, Call-ID)

std::string queue_of(const svc::VoiceClaimRequest& call) { return call.queue.empty() ? "default" : call.queue; }

// The agent each call would like: the request's own preference, else the customer's last agent.
std::vector<std::optional<domain::Id>> preferences(pqxx::transaction_base& tx,
                                                   const std::vector<svc::VoiceClaimRequest>& calls,
                                                   const std::set<domain::Id>& new_customers) {
  std::vector<domain::Id> customers;
  for (const auto& call : calls) {
    if (!call.preferred_agent_id && call.customer_id && !new_customers.contains(*call.customer_id)) {
      customers.push_back(*call.customer_id);
    }
  }
  std::map<domain::Id, domain::Id> last_agent;
  if (!customers.empty()) {
    for (const auto& row : tx.exec_prepared("voice_last_agents", assignment_rows::bigint_array(customers))) {
      last_agent.emplace(row[0].as<domain::Id>(), row[1].as<domain::Id>());
    }
  }
  std::vector<std::optional<domain::Id>> out;
  for (const auto& call : calls) {
    if (call.preferred_agent_id) {
      out.push_back(call.preferred_agent_id);
    } else if (auto it = call.customer_id ? last_agent.find(*call.customer_id) : last_agent.end();
               it != last_agent.end()) {
      out.push_back(it->second);
    } else {
      out.push_back(std::nullopt);
    }
  }
  return out;
}

// Claims agents for the calls at `members` (one queue and skill set). Preferred agents go to the
// calls that prefer them; the others take the remaining free agents in the queue's order.
void claim_group(pqxx::transaction_base& tx, const std::vector<svc::VoiceClaimRequest>& calls,
                 const std::vector<std::optional<domain::Id>>& preferred, const std::vector<std::size_t>& members,
                 std::vector<std::optional<svc::VoiceClaim>>& out, std::vector<std::size_t>& retry) {
  const auto& first = calls[members.front()];
  std::vector<domain::Id> wanted;
  for (const auto i : members) {
    if (preferred[i]) wanted.push_back(*preferred[i]);
  }
  const auto rows = tx.exec_prepared("voice_pick", queue_of(first), assignment_rows::text_array(first.skills),
                                     assignment_rows::bigint_array(wanted),
                                     static_cast<long long>(members.size() + wanted.size()));
  std::vector<svc::VoiceClaim> free;
  for (const auto& row : rows) free.push_back(svc::VoiceClaim{row[0].as<domain::Id>(), row[1].c_str()});
  std::set<domain::Id> taken;
  std::map<std::size_t, svc::VoiceClaim> chosen;
  for (const auto i : members) {  // first: each call's own preferred agent, when free
    if (!preferred[i]) continue;
    for (const auto& agent : free) {
      if (agent.agent_id == *preferred[i] && taken.insert(agent.agent_id).second) chosen.emplace(i, agent);
    }
  }
  std::size_t next = 0;
  for (const auto i : members) {  // then: the queue's order
    if (chosen.contains(i)) continue;
    while (next < free.size() && taken.contains(free[next].agent_id)) ++next;
    if (next == free.size()) break;  // nobody else free: these calls stay unclaimed
    taken.insert(free[next].agent_id);
    chosen.emplace(i, free[next]);
  }
  if (chosen.empty()) return;
  auto rows_to_insert = nlohmann::json::array();
  for (const auto& [i, agent] : chosen) {
    const auto& call = calls[i];
    rows_to_insert.push_back({{"account", call.channel_account_id}, {"call_id", call.call_id},
                              {"caller", call.caller}, {"did", call.did}, {"queue", queue_of(call)},
                              {"customer", call.customer_id ? nlohmann::json(*call.customer_id) : nlohmann::json()},
                              {"agent", agent.agent_id}});
  }
  std::set<CallKey> inserted;
  for (const auto& row : tx.exec_prepared("voice_insert_calls", rows_to_insert.dump())) {
    inserted.emplace(row[0].as<domain::Id>(), row[1].as<std::string>());
  }
  for (const auto& [i, agent] : chosen) {
    if (inserted.contains(CallKey{calls[i].channel_account_id, calls[i].call_id})) {
      out[i] = agent;
    } else {
      // Lost a race with another instance, or a Call-ID that already has a row (an INVITE
      // repeated after its transaction ended, or twice in this batch): the one-call path
      // answers with the agent it already has, or picks again.
      retry.push_back(i);
    }
  }
}

}  // namespace

std::vector<std::optional<svc::VoiceClaim>> claim_voice_agents(pqxx::connection& c, pqxx::transaction_base& tx,
                                                               const std::vector<svc::VoiceClaimRequest>& calls,
                                                               const std::set<domain::Id>& new_customers) {
  c.prepare("voice_pick", kPickSql);
  c.prepare("voice_insert_calls", kInsertSql);
  c.prepare("voice_last_agents", kLastAgentsSql);
  std::vector<std::optional<svc::VoiceClaim>> out(calls.size());
  if (calls.empty()) return out;
  const auto preferred = preferences(tx, calls, new_customers);
  std::vector<std::size_t> retry;
  // Groups in order of their first call; within a group, arrival order.
  std::vector<std::pair<std::pair<std::string, std::vector<std::string>>, std::vector<std::size_t>>> groups;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    auto key = std::make_pair(queue_of(calls[i]), calls[i].skills);
    auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == key; });
    if (group == groups.end()) {
      groups.emplace_back(std::move(key), std::vector<std::size_t>{});
      group = std::prev(groups.end());
    }
    group->second.push_back(i);
  }
  for (const auto& [key, members] : groups) claim_group(tx, calls, preferred, members, out, retry);
  std::sort(retry.begin(), retry.end());
  for (const auto i : retry) out[i] = claim_one(c, tx, calls[i]);
  return out;
}

}  // namespace cc::store
