#pragma once
// Admin and supervisor side of assignment: queues (strategy, offers, wrap-up, offline policy,
// members) and agents' routing profiles (skills with levels, languages, per-channel capacity).
// Validates, audits, stores, and wakes the engine when capacity may have grown. Thread-safe.
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "cc/services/assignment_service.hpp"
#include "cc/services/ports/audit_log.hpp"

namespace cc::services {

nlohmann::json to_json(const QueueSettings& queue);
nlohmann::json to_json(const AgentRoutingProfile& profile);

std::optional<Error> check_queue_draft(const QueueDraft& draft);
std::optional<Error> check_routing_profile(const AgentRoutingProfile& profile);

class QueueService {
 public:
  QueueService(AssignmentStore& store, AssignmentService& assignment, AuditLog& audit)
      : store_(store), assignment_(assignment), audit_(audit) {}

  boost::asio::awaitable<Result<std::vector<QueueSettings>>> list();
  boost::asio::awaitable<Result<QueueSettings>> get(std::string key);
  boost::asio::awaitable<Result<QueueSettings>> create(QueueDraft draft, domain::Id actor);
  boost::asio::awaitable<Result<QueueSettings>> update(std::string key, QueueDraft draft, domain::Id actor);
  boost::asio::awaitable<Result<AgentRoutingProfile>> profile(domain::Id agent_id);
  boost::asio::awaitable<Result<AgentRoutingProfile>> set_profile(AgentRoutingProfile profile,
                                                                  domain::Id actor);

 private:
  AssignmentStore& store_;
  AssignmentService& assignment_;
  AuditLog& audit_;
};

}  // namespace cc::services
