#pragma once
// The identity module's use cases: the customer 360 profile (masked by role, unmasked reads
// audited), search, merge suggestions, unmerge, integration keys and business events with the
// return/exchange contradiction alert. Implements CustomerSummaries for the call screen pop.
// Stateless; safe from any thread.
#include <chrono>

#include "cc/services/event_dispatcher.hpp"
#include "cc/services/ports/agent_repository.hpp"
#include "cc/services/ports/audit_log.hpp"
#include "cc/services/ports/customer_lookups.hpp"
#include "cc/services/ports/customer_store.hpp"

namespace cc::services {

inline constexpr const char* kPiiPermission = "pii.read";

// Checks a POST /api/v1/business-events body and normalises its identifiers (pure).
Result<NewBusinessEvent> parse_business_event(const nlohmann::json& body);
// The profile an agent may see: identifiers masked unless `clear` (pure).
nlohmann::json masked_profile(nlohmann::json profile, bool clear);

// Until the tickets module's CustomerTickets is wired: the 360 view shows no tickets.
class CustomerService final : public CustomerSummaries {
 public:
  CustomerService(CustomerStore& store, AuditLog& audit, EventDispatcher& events, AgentRepository& agents,
                  CustomerTickets& tickets, std::chrono::seconds contradiction_window)
      : store_(store), audit_(audit), events_(events), agents_(agents), tickets_(tickets),
        window_(contradiction_window) {}

  boost::asio::awaitable<Result<nlohmann::json>> profile(domain::Principal principal, domain::Id customer_id);
  boost::asio::awaitable<Result<nlohmann::json>> summary(domain::Id customer_id) override;
  boost::asio::awaitable<Result<domain::Page<nlohmann::json>>> search(std::string query,
                                                                      std::optional<domain::Id> after, int limit);
  boost::asio::awaitable<Result<domain::Page<nlohmann::json>>> suggestions(std::string status,
                                                                           std::optional<domain::Id> after,
                                                                           int limit);
  boost::asio::awaitable<Result<nlohmann::json>> decide(domain::Principal principal, domain::Id id, bool confirm);
  boost::asio::awaitable<Result<nlohmann::json>> unmerge(domain::Principal principal, domain::Id customer_id);
  // {id, name, key}: the key is shown once; only its SHA-256 is stored. Admins only.
  boost::asio::awaitable<Result<nlohmann::json>> create_integration_key(domain::Principal principal,
                                                                        std::string name);
  boost::asio::awaitable<Result<domain::Id>> authenticate_key(std::string key);
  boost::asio::awaitable<Result<BusinessEventOutcome>> record_event(domain::Id key_id, NewBusinessEvent event);

 private:
  boost::asio::awaitable<void> alert_supervisors(nlohmann::json contradiction);

  CustomerStore& store_;
  AuditLog& audit_;
  EventDispatcher& events_;
  AgentRepository& agents_;
  CustomerTickets& tickets_;
  std::chrono::seconds window_;
};

}  // namespace cc::services
