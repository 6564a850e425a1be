#pragma once
// Port: the identity module's durable side: customer profiles, search, merge suggestions,
// unmerge, integration keys and business events. Implemented by store::PgCustomerStore.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct NewBusinessEvent {
  std::string type;  // order, payment, shipment, return, exchange, complaint
  std::string external_id;
  std::vector<domain::Identifier> identifiers;  // normalised
  std::string occurred_at;                      // ISO-8601
  nlohmann::json data = nlohmann::json::object();
  domain::Id key_id = 0;
};

struct BusinessEventOutcome {
  nlohmann::json event;  // {id, type, external_id, customer_id, order_ref, occurred_at, data}
  bool created = false;  // false: the external id was known (idempotent replay)
  // Set when this event is a return/exchange that contradicts another of the same order:
  // {order_ref, event_ids, conversation_ids}.
  std::optional<nlohmann::json> contradiction;
};

class CustomerStore {
 public:
  virtual ~CustomerStore() = default;
  // {customer, identifiers:[{type,value,verified}], orders (newest, <=3), returns (open
  //  returns/exchanges), complaints, timeline}; not_found for an unknown customer.
  virtual boost::asio::awaitable<Result<nlohmann::json>> profile(domain::Id customer_id) = 0;
  virtual boost::asio::awaitable<Result<std::vector<std::string>>> agent_permissions(domain::Id agent_id) = 0;
  // Customers whose name or any identifier value starts with `prefix` (case-insensitive name).
  virtual boost::asio::awaitable<Result<domain::Page<nlohmann::json>>> search(
      std::string prefix, std::optional<domain::Id> after, int limit) = 0;
  virtual boost::asio::awaitable<Result<domain::Page<nlohmann::json>>> merge_suggestions(
      std::string status, std::optional<domain::Id> after, int limit) = 0;
  // Confirm merges the pair (the older customer survives); reject only records the decision.
  virtual boost::asio::awaitable<Result<nlohmann::json>> decide_suggestion(domain::Id id, bool confirm,
                                                                           domain::Id actor) = 0;
  // Undoes the latest merge the customer took part in (as survivor or as the merged one).
  virtual boost::asio::awaitable<Result<nlohmann::json>> unmerge(domain::Id customer_id, domain::Id actor) = 0;
  virtual boost::asio::awaitable<Result<nlohmann::json>> create_integration_key(std::string name,
                                                                                std::string key_hash,
                                                                                domain::Id actor) = 0;
  // The key's id, unauthorized when unknown or revoked.
  virtual boost::asio::awaitable<Result<domain::Id>> find_integration_key(std::string key_hash) = 0;
  virtual boost::asio::awaitable<Result<BusinessEventOutcome>> record_business_event(
      NewBusinessEvent event, std::chrono::seconds contradiction_window) = 0;
};

}  // namespace cc::services
