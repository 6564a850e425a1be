#pragma once
// Shared by the pg_assignment_* / pg_queue_* files: snapshot readers and array literals.
#include <map>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "cc/services/assignment_matcher.hpp"

namespace cc::store::assignment_rows {

// '{1,2,3}' / '{"a","b"}' for $n::bigint[] / $n::text[] parameters.
std::string bigint_array(const std::vector<domain::Id>& values);
std::string text_array(const std::vector<std::string>& values);
std::string int_array(const std::vector<int>& values);

// Agents (optionally only online ones of role agent, locked FOR UPDATE in id order) with their
// per-channel load filled in.
std::vector<services::AgentSnapshot> load_agents(pqxx::transaction_base& tx, bool online_locked);
std::map<std::string, services::QueueSettings> load_queues(pqxx::transaction_base& tx,
                                                           const std::string& only_key = {});
services::QueueSettings queue_from(const pqxx::row& row);

}  // namespace cc::store::assignment_rows
