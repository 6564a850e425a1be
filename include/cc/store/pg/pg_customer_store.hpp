#pragma once
// PostgreSQL side of the identity module (services::CustomerStore): profiles in one query,
// prefix search, merge suggestions, unmerge, integration keys and business events.
// Runs on PgPool's threads. Implemented in pg_customer_store.cpp and pg_customer_events.cpp.
#include "cc/services/ports/customer_store.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

using boost::asio::awaitable;

class PgCustomerStore final : public services::CustomerStore {
 public:
  explicit PgCustomerStore(PgPool& pool) : pool_(pool) {}
  boost::asio::awaitable<Result<nlohmann::json>> profile(domain::Id customer_id) override;
  boost::asio::awaitable<Result<std::vector<std::string>>> agent_permissions(domain::Id agent_id) override;
  boost::asio::awaitable<Result<domain::Page<nlohmann::json>>> search(std::string prefix,
                                                                      std::optional<domain::Id> after,
                                                                      int limit) override;
  boost::asio::awaitable<Result<domain::Page<nlohmann::json>>> merge_suggestions(
      std::string status, std::optional<domain::Id> after, int limit) override;
  boost::asio::awaitable<Result<nlohmann::json>> decide_suggestion(domain::Id id, bool confirm,
                                                                   domain::Id actor) override;
  boost::asio::awaitable<Result<nlohmann::json>> unmerge(domain::Id customer_id, domain::Id actor) override;
  boost::asio::awaitable<Result<nlohmann::json>> create_integration_key(std::string name, std::string key_hash,
                                                                        domain::Id actor) override;
  boost::asio::awaitable<Result<domain::Id>> find_integration_key(std::string key_hash) override;
  boost::asio::awaitable<Result<services::BusinessEventOutcome>> record_business_event(
      services::NewBusinessEvent event, std::chrono::seconds contradiction_window) override;

 private:
  PgPool& pool_;
};

// ISO-8601 UTC text of a timestamptz column, as the API prints times.
inline constexpr const char* kIsoTimeFormat = "YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"";

}  // namespace cc::store
