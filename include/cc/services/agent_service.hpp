#pragma once
// Agent administration and presence. Admins create and edit agents; every agent sets their own
// status, and coming online triggers assignment of the waiting queue.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "cc/services/assignment_service.hpp"
#include "cc/services/event_dispatcher.hpp"
#include "cc/services/input_rules.hpp"
#include "cc/services/ports/agent_repository.hpp"
#include "cc/services/ports/audit_log.hpp"

namespace cc::services {

struct AgentDraft {
  std::string email;
  std::string password;
  std::string name;
  domain::Role role = domain::Role::agent;
};

struct AgentChanges {
  std::optional<std::string> name;
  std::optional<std::string> password;
  std::optional<domain::Role> role;
  std::optional<bool> active;
  std::optional<std::string> sip_uri;  // "" clears it
};

class AgentService {
 public:
  AgentService(AgentRepository& agents, AssignmentService& assignment, EventDispatcher& events,
               AuditLog& audit, boost::asio::any_io_executor cpu_executor);

  // actor: the admin acting (audited); nullopt for the system (seeding).
  boost::asio::awaitable<Result<domain::Agent>> create(AgentDraft draft,
                                                       std::optional<domain::Id> actor);
  boost::asio::awaitable<Result<domain::Agent>> get(domain::Id id);
  boost::asio::awaitable<Result<domain::Page<domain::Agent>>> list(std::optional<domain::Id> after,
                                                                  int limit);
  boost::asio::awaitable<Result<domain::Agent>> update(domain::Id id, AgentChanges changes,
                                                       std::optional<domain::Id> actor);
  boost::asio::awaitable<Result<domain::Agent>> set_status(domain::Id id, domain::AgentStatus status);

 private:
  AgentRepository& agents_;
  AssignmentService& assignment_;
  EventDispatcher& events_;
  AuditLog& audit_;
  boost::asio::any_io_executor cpu_;
};


}  // namespace cc::services
