// Routing tasks: enqueue and the batched matching round.
#include "cc/store/pg/pg_assignment_store.hpp"

#include <map>

#include "cc/services/assignment_plan_json.hpp"
#include "cc/store/pg/pg_rows.hpp"
#include "pg_assignment_rows.hpp"

namespace cc::store {
namespace {

namespace svc = cc::services;
using namespace assignment_rows;
using boost::asio::awaitable;

bool has_spare_capacity(const std::vector<svc::AgentSnapshot>& agents) {
  for (const auto& agent : agents) {
    for (std::size_t c = 0; c < svc::kChannelCount; ++c) {
      if (agent.load[c] < agent.capacity[c]) return true;
    }
  }
  return false;
}

std::vector<svc::TaskSnapshot> load_waiting_tasks(pqxx::work& tx, const svc::RoundOptions& options) {
  // Ordered by aged priority, then oldest: a task's workflow version brings its own aging
  // (g), other tasks age by the engine's default ($2 seconds a point).
  std::vector<int> versions, every, bump, max;
  for (const auto& [version, aging] : options.workflow_aging) {
    versions.push_back(version);
    every.push_back(static_cast<int>(aging.every.count()));
    bump.push_back(aging.bump);
    max.push_back(aging.max);
  }
  const auto rows = tx.exec_params(
      "SELECT t.conversation_id, t.channel, t.plan::text AS plan, "
      "(extract(epoch from t.entered_at) * 1000)::bigint AS entered_ms, t.last_missed_agent_id, "
      "g.every, g.bump, g.mx "
      "FROM routing_tasks t JOIN conversations c ON c.id = t.conversation_id AND c.status = 'queued' "
      "LEFT JOIN unnest($4::int[], $5::int[], $6::int[], $7::int[]) AS g(v, every, bump, mx) "
      "ON g.v = t.workflow_version "
      "CROSS JOIN LATERAL (SELECT greatest(0, $3::bigint / 1000.0 - extract(epoch from t.entered_at)) "
      "AS waited) w "
      "WHERE t.state = 'waiting' ORDER BY CASE "
      "WHEN g.v IS NOT NULL AND g.every > 0 AND g.bump > 0 THEN least(greatest(t.priority, g.mx)::bigint, "
      "t.priority + floor(w.waited / g.every)::bigint * g.bump) "
      "WHEN g.v IS NOT NULL THEN t.priority "
      "WHEN $2 > 0 THEN t.priority + floor(w.waited / $2)::bigint ELSE t.priority END "
      "DESC, t.entered_at, t.conversation_id LIMIT $1 FOR UPDATE OF t SKIP LOCKED",
      static_cast<long long>(options.batch), static_cast<int>(options.aging.count()), millis_of(options.now),
      int_array(versions), int_array(every), int_array(bump), int_array(max));
  std::vector<svc::TaskSnapshot> tasks;
  tasks.reserve(rows.size());
  for (const auto& row : rows) {
    svc::TaskSnapshot task;
    const auto id = row[0].as<domain::Id>();
    const auto channel = domain::parse_channel(row[1].c_str()).value_or(domain::Channel::webchat);
    task.plan = svc::plan_from_json(row[2].c_str(), id, channel, time_from_millis(row[3].as<std::int64_t>()));
    if (!row[4].is_null()) task.last_missed_agent = row[4].as<domain::Id>();
    if (!row[5].is_null()) {
      task.aging = svc::TaskAging{std::chrono::seconds(row[5].as<int>()), row[6].as<int>(), row[7].as<int>()};
    }
    tasks.push_back(std::move(task));
  }
  return tasks;
}

std::vector<domain::Conversation> write_assignments(pqxx::work& tx, const std::vector<svc::Match>& matches) {
  std::vector<domain::Id> conversations, agents;
  std::vector<std::string> queues;
  std::vector<int> steps;
  for (const auto& m : matches) {
    if (m.offer) continue;
    conversations.push_back(m.conversation_id);
    agents.push_back(m.agents.front());
    queues.push_back(m.queue);
    steps.push_back(static_cast<int>(m.step_index));
  }
  std::vector<domain::Conversation> assigned;
  if (conversations.empty()) return assigned;
  const auto ids = bigint_array(conversations);
  const auto who = bigint_array(agents);
  // A conversation an agent picked up meanwhile (reply) is no longer 'queued': skipped.
  const auto rows = tx.exec_params(
      "WITH u AS (SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS u(cid, aid)), "
      "c AS (UPDATE conversations c SET status = 'open', assignee_id = u.aid, assigned_at = now() "
      "FROM u WHERE c.id = u.cid AND c.status = 'queued' RETURNING c.*) SELECT " +
          kConversationColumns + " FROM c",
      ids, who);
  assigned.reserve(rows.size());
  for (const auto& row : rows) assigned.push_back(conversation_from(row));
  tx.exec_params(
      "UPDATE routing_tasks t SET state = 'assigned', assigned_agent_id = u.aid, queue_key = u.q, "
      "current_step = u.s, missed_offers = 0, assigned_at = now(), updated_at = now() "
      "FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::int[]) AS u(cid, aid, q, s) "
      "JOIN conversations c ON c.id = u.cid AND c.assignee_id = u.aid AND c.status = 'open' "
      "WHERE t.conversation_id = u.cid",
      ids, who, text_array(queues), int_array(steps));
  std::vector<domain::Id> assignees;
  for (const auto& c : assigned) assignees.push_back(*c.assignee_id);
  tx.exec_params(
      "UPDATE agents a SET last_assigned_at = now(), assigned_today = CASE WHEN a.assigned_day = "
      "current_date THEN a.assigned_today + u.n ELSE u.n END, assigned_day = current_date "
      "FROM (SELECT aid, count(*)::int AS n FROM unnest($1::bigint[]) AS aid GROUP BY aid) u "
      "WHERE a.id = u.aid",
      bigint_array(assignees));
  return assigned;
}

std::vector<svc::OfferMade> write_offers(pqxx::work& tx, const std::vector<svc::Match>& matches,
                                         const std::map<domain::Id, domain::Channel>& channels,
                                         domain::TimePoint now) {
  std::vector<domain::Id> conversations, agents, expires;
  std::vector<std::string> channel_names, queues;
  std::vector<domain::Id> offered;
  std::vector<int> steps;
  for (const auto& m : matches) {
    if (!m.offer) continue;
    offered.push_back(m.conversation_id);
    queues.push_back(m.queue);
    steps.push_back(static_cast<int>(m.step_index));
    for (const auto agent : m.agents) {
      conversations.push_back(m.conversation_id);
      agents.push_back(agent);
      channel_names.emplace_back(domain::to_string(channels.at(m.conversation_id)));
      expires.push_back(millis_of(now + std::chrono::seconds(m.offer_timeout_seconds)));
    }
  }
  std::vector<svc::OfferMade> made;
  if (offered.empty()) return made;
  const auto rows = tx.exec_params(
      "INSERT INTO task_offers (conversation_id, agent_id, channel, expires_at) "
      "SELECT u.cid, u.aid, u.ch, to_timestamp(u.ms / 1000.0) FROM unnest($1::bigint[], $2::bigint[], "
      "$3::text[], $4::bigint[]) AS u(cid, aid, ch, ms) RETURNING id, conversation_id, agent_id, "
      "(extract(epoch from expires_at) * 1000)::bigint",
      bigint_array(conversations), bigint_array(agents), text_array(channel_names), bigint_array(expires));
  for (const auto& row : rows) {
    made.push_back({row[0].as<domain::Id>(), row[1].as<domain::Id>(), row[2].as<domain::Id>(),
                    time_from_millis(row[3].as<std::int64_t>())});
  }
  tx.exec_params(
      "UPDATE routing_tasks t SET state = 'offered', queue_key = u.q, current_step = u.s, "
      "updated_at = now() FROM unnest($1::bigint[], $2::text[], $3::int[]) AS u(cid, q, s) "
      "WHERE t.conversation_id = u.cid",
      bigint_array(offered), text_array(queues), int_array(steps));
  return made;
}

}  // namespace

awaitable<Status> PgAssignmentStore::enqueue(std::vector<svc::RoutingPlan> plans) {
  auto job = [plans = std::move(plans)](pqxx::connection& c) -> Status {
    std::map<domain::Id, const svc::RoutingPlan*> latest;  // one row per conversation
    for (const auto& plan : plans) latest[plan.conversation_id] = &plan;
    std::vector<domain::Id> ids, entered;
    std::vector<std::string> channels, json, queues;
    std::vector<int> versions, priorities;
    for (const auto& [id, plan] : latest) {
      ids.push_back(id);
      channels.emplace_back(domain::to_string(plan->channel));
      json.push_back(svc::plan_to_json(*plan));
      versions.push_back(plan->workflow_version);
      const auto first = svc::active_step(*plan, plan->entered_at);
      queues.push_back(first.step.queue);
      priorities.push_back(first.priority);
      entered.push_back(millis_of(plan->entered_at == domain::TimePoint{} ? std::chrono::system_clock::now()
                                                                          : plan->entered_at));
    }
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO routing_tasks (conversation_id, channel, plan, workflow_version, queue_key, "
        "priority, entered_at, state) SELECT u.cid, u.ch, u.plan::jsonb, u.v, u.q, u.p, "
        "to_timestamp(u.ms / 1000.0), 'waiting' FROM unnest($1::bigint[], $2::text[], $3::text[], "
        "$4::int[], $5::text[], $6::int[], $7::bigint[]) AS u(cid, ch, plan, v, q, p, ms) "
        // A conversation that has its agent by now (the plan was made from an older read, e.g.
        // by another instance or before this instance's previous round) is not queued again.
        "WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = u.cid AND c.assignee_id IS NOT NULL) "
        "ON CONFLICT (conversation_id) DO UPDATE SET plan = excluded.plan, channel = excluded.channel, "
        "workflow_version = excluded.workflow_version, queue_key = excluded.queue_key, "
        "priority = excluded.priority, "
        // An assigned task, or one whose steps ran out (its ticket failed, the customer wrote
        // again), starts over; a waiting or offered one keeps its age.
        "entered_at = CASE WHEN routing_tasks.state IN ('assigned', 'exhausted') THEN excluded.entered_at "
        "ELSE routing_tasks.entered_at END, "
        "missed_offers = CASE WHEN routing_tasks.state IN ('assigned', 'exhausted') THEN 0 "
        "ELSE routing_tasks.missed_offers END, "
        "state = CASE WHEN routing_tasks.state IN ('assigned', 'exhausted') THEN 'waiting' "
        "ELSE routing_tasks.state END, "
        "updated_at = now()",
        bigint_array(ids), text_array(channels), text_array(json), int_array(versions),
        text_array(queues), int_array(priorities), bigint_array(entered));
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<svc::RoundResult>> PgAssignmentStore::run_round(svc::RoundOptions options) {
  auto job = [options](pqxx::connection& c) -> Result<svc::RoundResult> {
    svc::RoundResult result;
    pqxx::work tx(c);
    // Locks every online agent row (id order, so instances never deadlock): a second
    // instance's round waits here and then sees this one's assignments in its load counts.
    auto agents = load_agents(tx, true);
    if (agents.empty() || !has_spare_capacity(agents)) {
      tx.commit();
      return result;
    }
    auto tasks = load_waiting_tasks(tx, options);
    result.tasks_considered = tasks.size();
    if (tasks.empty()) {
      tx.commit();
      return result;
    }
    std::map<domain::Id, domain::Channel> channels;
    for (const auto& task : tasks) channels[task.plan.conversation_id] = task.plan.channel;
    const auto queues = load_queues(tx);
    svc::MatchOptions match_options;
    match_options.now = options.now;
    match_options.aging = options.aging;
    auto matched = svc::match_tasks(std::move(tasks), agents, queues, match_options);
    result.assigned = write_assignments(tx, matched.matches);
    result.offers = write_offers(tx, matched.matches, channels, options.now);
    for (const auto& [key, last] : matched.round_robin_last) {
      tx.exec_params("UPDATE queues SET round_robin_last = $2 WHERE key = $1", key, last);
    }
    tx.commit();
    return result;
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
