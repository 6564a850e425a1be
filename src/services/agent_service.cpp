#include "cc/services/agent_service.hpp"

#include "cc/async/run_on.hpp"
#include "cc/crypto/password.hpp"
#include "cc/domain/identifiers.hpp"
#include "cc/services/agent_profile_rules.hpp"
#include "cc/services/json_views.hpp"

namespace cc::services {

AgentService::AgentService(AgentRepository& agents, AssignmentService& assignment,
                           EventDispatcher& events, AuditLog& audit,
                           boost::asio::any_io_executor cpu_executor)
    : agents_(agents),
      assignment_(assignment),
      events_(events),
      audit_(audit),
      cpu_(std::move(cpu_executor)) {}

boost::asio::awaitable<Result<domain::Agent>> AgentService::create(AgentDraft draft,
                                                                   std::optional<domain::Id> actor) {
  const auto email = domain::normalize_email(draft.email);
  if (!email) co_return Error::invalid("email is not a valid address", "/email");
  if (auto error = check_display_name(draft.name)) co_return *error;
  if (auto error = check_password_rule(draft.password)) co_return *error;
  // Closures and aggregates are built as named locals before co_await: GCC 12 corrupts such
  // temporaries inside a co_await expression (see docs/architecture.md, "GCC 12 and coroutines").
  auto hashing = [password = std::move(draft.password)] { return crypto::hash_password(password); };
  auto hash = co_await async::run_on(cpu_, std::move(hashing));
  NewAgent agent{*email, draft.name, std::move(hash), draft.role};
  auto created = co_await agents_.create(std::move(agent));
  if (created) {
    auto entry = audit_entry(actor, "agent.created", "agent", id_text(created->id),
                             {{"email", created->email}, {"role", domain::to_string(created->role)}});
    co_await audit_.record(std::move(entry));
  }
  co_return created;
}

boost::asio::awaitable<Result<domain::Agent>> AgentService::get(domain::Id id) {
  co_return co_await agents_.get(id);
}

boost::asio::awaitable<Result<domain::Page<domain::Agent>>> AgentService::list(
    std::optional<domain::Id> after, int limit) {
  co_return co_await agents_.list(after, limit);
}

boost::asio::awaitable<Result<domain::Agent>> AgentService::update(domain::Id id,
                                                                   AgentChanges changes,
                                                                   std::optional<domain::Id> actor) {
  AgentPatch patch{changes.name, std::nullopt, changes.role, changes.active, changes.sip_uri};
  if (changes.name) {
    if (auto error = check_display_name(*changes.name)) co_return *error;
  }
  if (changes.sip_uri && !changes.sip_uri->empty()) {
    if (auto error = check_sip_uri(*changes.sip_uri)) co_return *error;
  }
  if (changes.password) {
    if (auto error = check_password_rule(*changes.password)) co_return *error;
    auto hashing = [password = *changes.password] { return crypto::hash_password(password); };
    patch.password_hash = co_await async::run_on(cpu_, std::move(hashing));
  }
  nlohmann::json changed = nlohmann::json::object();
  if (changes.name) changed["name"] = *changes.name;
  if (changes.role) changed["role"] = domain::to_string(*changes.role);
  if (changes.active) changed["active"] = *changes.active;
  if (changes.sip_uri) changed["sip_uri"] = *changes.sip_uri;
  if (changes.password) changed["password"] = "changed";  // never the password itself
  auto updated = co_await agents_.update(id, std::move(patch));
  if (updated) {
    auto entry = audit_entry(actor, "agent.updated", "agent", id_text(id), std::move(changed));
    co_await audit_.record(std::move(entry));
  }
  co_return updated;
}

boost::asio::awaitable<Result<domain::Agent>> AgentService::set_status(domain::Id id,
                                                                       domain::AgentStatus status) {
  auto agent = co_await agents_.set_status(id, status);
  if (!agent) co_return agent;
  const nlohmann::json data{{"agent_id", id_text(id)},
                            {"status", domain::to_string(status)}};
  std::vector<AgentEvent> events{make_event(id, "agent.status", data)};
  if (auto supervisors = co_await agents_.online_supervisor_ids()) {
    for (const auto supervisor : *supervisors) {
      if (supervisor != id) events.push_back(make_event(supervisor, "agent.status", data));
    }
  }
  co_await events_.emit(std::move(events));
  if (status == domain::AgentStatus::online) co_await assignment_.assign_waiting();
  co_return agent;
}

}  // namespace cc::services
