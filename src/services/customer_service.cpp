#include "cc/services/customer_service.hpp"

#include <algorithm>

#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"
#include "cc/crypto/random.hpp"
#include "cc/domain/identifiers.hpp"

namespace cc::services {

using boost::asio::awaitable;
using nlohmann::json;

awaitable<Result<json>> CustomerService::profile(domain::Principal principal, domain::Id customer_id) {
  auto data = co_await store_.profile(customer_id);
  if (!data) co_return data.error();
  bool clear = principal.role != domain::Role::agent;
  if (!clear) {
    auto permissions = co_await store_.agent_permissions(principal.agent_id);
    if (!permissions) co_return permissions.error();
    clear = std::find(permissions->begin(), permissions->end(), kPiiPermission) != permissions->end();
  }
  auto tickets = co_await tickets_.open_tickets(customer_id, 10);
  (*data)["tickets"] = tickets ? *tickets : json::array();
  if (clear && !(*data)["identifiers"].empty()) {
    json types = json::array();
    for (const auto& id : (*data)["identifiers"]) types.push_back(id["type"]);
    auto entry = audit_entry(principal.agent_id, "customer.pii_read", "customer", std::to_string(customer_id),
                             json{{"identifier_types", types}});
    co_await audit_.record(std::move(entry));
  }
  co_return masked_profile(std::move(*data), clear);
}

awaitable<Result<json>> CustomerService::summary(domain::Id customer_id) {
  auto data = co_await store_.profile(customer_id);
  if (!data) co_return data.error();
  auto tickets = co_await tickets_.open_tickets(customer_id, 5);
  auto masked = masked_profile(std::move(*data), false);
  co_return json{{"customer", masked["customer"]},
                 {"identifiers", masked["identifiers"]},
                 {"orders", masked["orders"]},
                 {"tickets", tickets ? *tickets : json::array()}};
}

awaitable<Result<domain::Page<json>>> CustomerService::search(std::string query, std::optional<domain::Id> after,
                                                              int limit) {
  // A phone typed as the customer says it (138 1234..., full-width) matches its stored form.
  auto text = domain::fold_full_width(query);
  const bool phone_like = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '+' || c == ' ' || c == '-';
  });
  if (phone_like) {
    text.erase(std::remove_if(text.begin(), text.end(), [](char c) { return c == ' ' || c == '-'; }), text.end());
  }
  if (text.empty() || text.size() > 128) co_return Error::invalid("q must be 1 to 128 characters", "q");
  if (auto email = domain::normalize_email(text)) text = *email;
  co_return co_await store_.search(std::move(text), after, limit);
}

awaitable<Result<domain::Page<json>>> CustomerService::suggestions(std::string status,
                                                                   std::optional<domain::Id> after, int limit) {
  if (status != "pending" && status != "confirmed" && status != "rejected") {
    co_return Error::invalid("status must be pending, confirmed or rejected", "status");
  }
  co_return co_await store_.merge_suggestions(std::move(status), after, limit);
}

awaitable<Result<json>> CustomerService::decide(domain::Principal principal, domain::Id id, bool confirm) {
  co_return co_await store_.decide_suggestion(id, confirm, principal.agent_id);
}

awaitable<Result<json>> CustomerService::unmerge(domain::Principal principal, domain::Id customer_id) {
  if (principal.role == domain::Role::agent) co_return Error::forbidden("unmerge needs a supervisor or admin");
  co_return co_await store_.unmerge(customer_id, principal.agent_id);
}

awaitable<Result<json>> CustomerService::create_integration_key(domain::Principal principal, std::string name) {
  if (principal.role != domain::Role::admin) co_return Error::forbidden("integration keys are for admins");
  if (name.empty() || name.size() > 200) co_return Error::invalid("name must be 1 to 200 bytes", "/name");
  const auto key = crypto::new_token("cci_");
  auto created = co_await store_.create_integration_key(std::move(name), crypto::to_hex(crypto::sha256(key)),
                                                        principal.agent_id);
  if (!created) co_return created.error();
  (*created)["key"] = key;
  co_return *created;
}

awaitable<Result<domain::Id>> CustomerService::authenticate_key(std::string key) {
  if (key.empty() || key.size() > 256) co_return Error::unauthorized("an integration key is required");
  co_return co_await store_.find_integration_key(crypto::to_hex(crypto::sha256(key)));
}

awaitable<Result<BusinessEventOutcome>> CustomerService::record_event(domain::Id key_id, NewBusinessEvent event) {
  event.key_id = key_id;
  auto outcome = co_await store_.record_business_event(std::move(event), window_);
  if (outcome && outcome->contradiction) co_await alert_supervisors(*outcome->contradiction);
  co_return outcome;
}

awaitable<void> CustomerService::alert_supervisors(json contradiction) {
  auto supervisors = co_await agents_.online_supervisor_ids();
  if (!supervisors || supervisors->empty()) co_return;
  std::vector<AgentEvent> alerts;
  for (const auto id : *supervisors) alerts.push_back(make_event(id, "customer.contradiction", contradiction));
  co_await events_.emit(std::move(alerts));
}

}  // namespace cc::services
