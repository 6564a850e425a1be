#pragma once
// PostgreSQL tickets: the ticket tables of migrations/0009_tickets.sql. Every method is one
// transaction on the pool; version checks and history rows happen inside it.
#include "cc/services/ports/ticket_repository.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgTicketRepository final : public services::TicketRepository {
 public:
  explicit PgTicketRepository(PgPool& pool) : pool_(pool) {}
  using Ticket = domain::Ticket;
  template <class T>
  using Async = boost::asio::awaitable<Result<T>>;

  Async<Ticket> create(services::TicketDraft draft, services::TicketActor actor) override;
  Async<Ticket> get(domain::Id id) override;
  Async<domain::Page<Ticket>> list(services::TicketQuery query) override;
  Async<Ticket> update(domain::Id id, std::optional<int> expected_version, services::TicketPatch patch,
                       services::TicketActor actor) override;
  Async<services::TicketNote> add_note(services::TicketNote note) override;
  Async<std::vector<services::TicketNote>> notes(domain::Id ticket_id) override;
  Async<domain::Page<services::TicketHistoryEntry>> history(domain::Id ticket_id, std::optional<domain::Id> after,
                                                            int limit) override;
  Async<std::vector<domain::Id>> agents_by_handles(std::vector<std::string> handles) override;
  Async<std::vector<domain::Id>> conversations_of(domain::Id ticket_id) override;
  boost::asio::awaitable<Status> link_conversation(domain::Id ticket_id, domain::Id conversation_id) override;
  Async<std::vector<Ticket>> for_conversation(domain::Id conversation_id) override;
  Async<Ticket> merge(domain::Id duplicate_id, domain::Id target_id, services::TicketActor actor) override;
  boost::asio::awaitable<Status> link(services::TicketLink link) override;
  Async<std::vector<services::TicketLink>> links(domain::Id ticket_id) override;
  Async<std::vector<services::SlaPolicy>> sla_policies() override;
  Async<services::SlaPolicy> save_sla_policy(services::SlaPolicy policy, std::optional<int> expected_version) override;
  boost::asio::awaitable<Status> delete_sla_policy(domain::Id id) override;
  Async<std::vector<services::CalendarDefinition>> calendars() override;
  Async<services::CalendarDefinition> save_calendar(services::CalendarDefinition calendar) override;
  Async<std::string> customer_tier(domain::Id customer_id) override;
  boost::asio::awaitable<Status> record_csat_survey(domain::Id ticket_id, domain::Id conversation_id,
                                                    std::optional<domain::Id> agent_id,
                                                    domain::Id message_id) override;
  Async<std::optional<domain::Id>> answer_csat(domain::Id conversation_id, int score, std::string comment) override;
  Async<std::vector<Ticket>> claim_sla_due(int limit, int lease_seconds) override;
  Async<bool> record_sla_event(domain::Id ticket_id, domain::SlaTarget target, std::string kind,
                               domain::TimePoint due) override;
  boost::asio::awaitable<Status> reschedule_sla(domain::Id ticket_id, std::optional<domain::TimePoint> next_check,
                                                std::string sla_status) override;

 private:
  PgPool& pool_;
};

// Shared by the two source files: the select list (alias t) and its reader.
extern const std::string kTicketColumns;
domain::Ticket ticket_from(const pqxx::row& row);

}  // namespace cc::store
