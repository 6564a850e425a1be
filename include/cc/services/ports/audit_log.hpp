#pragma once
// Port: the append-only audit log of security-relevant actions (who did what to which object).
// Writing it must not fail the action: implementations log and swallow their own errors.
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cc/domain/types.hpp"

namespace cc::services {

struct AuditEntry {
  std::optional<domain::Id> actor_agent_id;  // nullopt: the system (seeding, a timer)
  std::string action;                        // e.g. agent.created, auth.login_failed
  std::string target_type;
  std::string target_id;
  nlohmann::json details = nlohmann::json::object();
};

inline AuditEntry audit_entry(std::optional<domain::Id> actor, std::string action,
                              std::string target_type, std::string target_id,
                              nlohmann::json details = nlohmann::json::object()) {
  AuditEntry entry;
  entry.actor_agent_id = actor;
  entry.action = std::move(action);
  entry.target_type = std::move(target_type);
  entry.target_id = std::move(target_id);
  entry.details = std::move(details);
  return entry;
}

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual boost::asio::awaitable<void> record(AuditEntry entry) = 0;
};

}  // namespace cc::services
