#pragma once
// Small pieces shared by the ticket stores (pg_ticket_*.cpp): turning result rows into values,
// and the SQL condition of which tickets an agent may see (docs/tickets.md "Access").
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "cc/domain/types.hpp"

namespace cc::store {

// Every row of `rows` through `from`, in order.
template <class T, class From>
std::vector<T> rows_to(const pqxx::result& rows, From from) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(from(row));
  return out;
}

// The first column of every row as an id.
inline std::vector<domain::Id> ids_of(const pqxx::result& rows) {
  return rows_to<domain::Id>(rows, [](const pqxx::row& row) { return row[0].as<domain::Id>(); });
}

// True for a ticket `t` the agent in parameter `param` (e.g. "$10") may see: assigned to them,
// owned by a team (queue key) they are a member of, in nobody's hands and no team's, or linked
// to a conversation assigned to them. Supervisors and admins see everything (not checked here).
inline std::string ticket_visible_to_agent_sql(const std::string& param) {
  return "(t.assignee_id = " + param + " OR (t.assignee_id IS NULL AND t.team IS NULL) "
         "OR t.team IN (SELECT q.key FROM queue_members qm JOIN queues q ON q.id = qm.queue_id "
         "WHERE qm.agent_id = " + param + ") "
         "OR EXISTS (SELECT 1 FROM ticket_conversations tc JOIN conversations c ON c.id = tc.conversation_id "
         "WHERE tc.ticket_id = t.id AND c.assignee_id = " + param + "))";
}

}  // namespace cc::store
