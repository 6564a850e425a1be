#pragma once
// PostgreSQL side of the ticket lifecycle (ports/ticket_lifecycle_store.hpp): custom field
// definitions, the access check, auto-close candidates and silent-customer follow-up claims.
#include "cc/services/ports/ticket_lifecycle_store.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgTicketLifecycleStore final : public services::TicketLifecycleStore {
 public:
  explicit PgTicketLifecycleStore(PgPool& pool) : pool_(pool) {}
  template <class T>
  using Async = boost::asio::awaitable<Result<T>>;

  Async<std::vector<services::TicketFieldDefinition>> ticket_fields() override;
  Async<services::TicketFieldDefinition> save_ticket_field(services::TicketFieldDefinition field) override;
  boost::asio::awaitable<Status> delete_ticket_field(std::string key) override;
  Async<bool> agent_may_see(domain::Id agent_id, domain::Id ticket_id) override;
  Async<std::vector<domain::Id>> solved_before(int days, int limit) override;
  Async<std::optional<domain::Id>> closed_ticket_to_follow(domain::Id conversation_id) override;
  Async<std::vector<services::FollowupClaim>> claim_followups(int silence_seconds, int limit) override;
  boost::asio::awaitable<Status> record_followup(services::FollowupClaim claim, domain::Id message_id) override;
  boost::asio::awaitable<Status> release_followup(services::FollowupClaim claim) override;

 private:
  PgPool& pool_;
};

}  // namespace cc::store
