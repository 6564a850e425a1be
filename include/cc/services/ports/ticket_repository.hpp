#pragma once
// Port: tickets, their notes, history, links and SLA bookkeeping. Implemented in store/pg.
// Every change bumps the ticket's version and writes one history row per changed field in the
// same transaction; a change with an expected version that no longer matches is a conflict.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/sla.hpp"
#include "cc/domain/ticket.hpp"

namespace cc::services {

// Who changed a ticket: an agent, or a module ("routing", "sla", "customer", "system").
struct TicketActor {
  std::optional<domain::Id> agent_id;
  std::string name = "agent";
};

struct TicketDraft {
  domain::Ticket ticket;                      // id, version and times are assigned by the store
  std::optional<domain::Id> conversation_id;  // linked in the same transaction
};

// Only the set fields change. Nested optionals: outer set = change, inner empty = clear.
struct TicketPatch {
  std::optional<std::string> subject;
  std::optional<std::string> description;
  std::optional<domain::TicketType> type;
  std::optional<domain::TicketPriority> priority;
  std::optional<std::optional<domain::Id>> assignee_id;
  std::optional<std::optional<std::string>> team;
  std::optional<std::vector<std::string>> tags;
  std::optional<std::string> custom_fields_json;
  std::optional<domain::TicketState> state;
  std::optional<domain::SlaClock> sla;
  std::optional<std::string> sla_status;
  std::optional<std::optional<domain::TimePoint>> next_sla_check;  // set together with sla
  std::optional<domain::Id> merged_into_id;
  bool first_replied = false;  // sets first_replied_at = now when still empty
  std::string reason;          // kept with the history rows (transfers)
  bool empty() const {
    return !subject && !description && !type && !priority && !assignee_id && !team && !tags &&
           !custom_fields_json && !state && !sla && !sla_status && !next_sla_check && !merged_into_id && !first_replied;
  }
};

struct TicketQuery {
  std::optional<domain::TicketState> state;
  std::optional<domain::Id> assignee_id;
  std::optional<std::string> team;
  std::optional<domain::TicketPriority> priority;
  std::optional<std::string> sla_status;
  std::optional<std::optional<domain::TimePoint>> next_sla_check;  // set together with sla
  std::optional<std::string> tag;
  std::optional<domain::Id> requester_id;
  std::optional<domain::Id> visible_to_agent;  // only the tickets this agent may see (docs/tickets.md)
  bool sort_by_due = false;  // next breach first; otherwise newest first
  std::optional<domain::Id> after;  // the last id of the previous page (keyset)
  int limit = 50;
};

struct TicketNote {
  domain::Id id = 0;
  domain::Id ticket_id = 0;
  std::optional<domain::Id> author_agent_id;
  std::string body;
  std::vector<domain::Id> mentions;
  domain::TimePoint created_at{};
};

struct TicketHistoryEntry {
  domain::Id id = 0;
  domain::Id ticket_id = 0;
  std::optional<domain::Id> actor_agent_id;
  std::string actor;
  std::string field;
  std::string old_value_json;  // JSON text; "null" when there was none
  std::string new_value_json;
  std::string reason;
  domain::TimePoint created_at{};
};

struct TicketLink {
  domain::Id ticket_id = 0;
  domain::Id related_ticket_id = 0;
  std::string kind;
  domain::TimePoint created_at{};
};

struct SlaPolicy {
  domain::Id id = 0;
  std::string name;
  int position = 100;
  bool active = true;
  domain::SlaConditions conditions;
  domain::SlaTargets targets;
  std::optional<domain::Id> calendar_id;
  std::string warning_actions_json = "[]";
  std::string breach_actions_json = "[]";
  int version = 1;
};

struct CalendarDefinition {
  domain::Id id = 0;
  std::string name;
  std::string time_zone = "UTC";
  std::string hours_json = "{}";     // {"mon": [["09:00", "17:00"]], ...}
  std::string holidays_json = "[]";  // ["2026-12-25", ...]
  int version = 1;
};

class TicketRepository {
 public:
  virtual ~TicketRepository() = default;
  virtual boost::asio::awaitable<Result<domain::Ticket>> create(TicketDraft draft, TicketActor actor) = 0;
  virtual boost::asio::awaitable<Result<domain::Ticket>> get(domain::Id id) = 0;
  virtual boost::asio::awaitable<Result<domain::Page<domain::Ticket>>> list(TicketQuery query) = 0;
  // conflict when `expected_version` is set and differs; not_found for an unknown id.
  virtual boost::asio::awaitable<Result<domain::Ticket>> update(domain::Id id,
                                                                std::optional<int> expected_version,
                                                                TicketPatch patch, TicketActor actor) = 0;
  virtual boost::asio::awaitable<Result<TicketNote>> add_note(TicketNote note) = 0;
  virtual boost::asio::awaitable<Result<std::vector<TicketNote>>> notes(domain::Id ticket_id) = 0;
  virtual boost::asio::awaitable<Result<domain::Page<TicketHistoryEntry>>> history(
      domain::Id ticket_id, std::optional<domain::Id> after, int limit) = 0;
  // Active agents whose e-mail, e-mail local part or name (lower-cased, spaces removed) is one
  // of the handles.
  virtual boost::asio::awaitable<Result<std::vector<domain::Id>>> agents_by_handles(
      std::vector<std::string> handles) = 0;
  virtual boost::asio::awaitable<Result<std::vector<domain::Id>>> conversations_of(domain::Id ticket_id) = 0;
  virtual boost::asio::awaitable<Status> link_conversation(domain::Id ticket_id, domain::Id conversation_id) = 0;
  // Tickets linked to a conversation that are not closed.
  virtual boost::asio::awaitable<Result<std::vector<domain::Ticket>>> for_conversation(
      domain::Id conversation_id) = 0;
  // The duplicate closes (merged_into_id set), its conversations and notes move to the target,
  // and both get history rows and a "duplicate" link; one transaction.
  virtual boost::asio::awaitable<Result<domain::Ticket>> merge(domain::Id duplicate_id, domain::Id target_id,
                                                               TicketActor actor) = 0;
  virtual boost::asio::awaitable<Status> link(TicketLink link) = 0;
  virtual boost::asio::awaitable<Result<std::vector<TicketLink>>> links(domain::Id ticket_id) = 0;

  // SLA configuration.
  virtual boost::asio::awaitable<Result<std::vector<SlaPolicy>>> sla_policies() = 0;
  virtual boost::asio::awaitable<Result<SlaPolicy>> save_sla_policy(SlaPolicy policy,
                                                                    std::optional<int> expected_version) = 0;
  virtual boost::asio::awaitable<Status> delete_sla_policy(domain::Id id) = 0;
  virtual boost::asio::awaitable<Result<std::vector<CalendarDefinition>>> calendars() = 0;
  virtual boost::asio::awaitable<Result<CalendarDefinition>> save_calendar(CalendarDefinition calendar) = 0;
  // The customer's tier and the channel of a conversation (for policy conditions).
  virtual boost::asio::awaitable<Result<std::string>> customer_tier(domain::Id customer_id) = 0;

  // CSAT: the survey sent for a solved ticket, and the customer's answer to the latest unanswered
  // survey on a conversation (the ticket id, or nullopt when none waits there).
  virtual boost::asio::awaitable<Status> record_csat_survey(domain::Id ticket_id, domain::Id conversation_id,
                                                            std::optional<domain::Id> agent_id,
                                                            domain::Id message_id) = 0;
  virtual boost::asio::awaitable<Result<std::optional<domain::Id>>> answer_csat(domain::Id conversation_id,
                                                                                int score,
                                                                                std::string comment) = 0;

  // SLA timers: tickets whose next warning or due time has come, leased for `lease_seconds`
  // with FOR UPDATE SKIP LOCKED so that concurrent workers take disjoint sets.
  virtual boost::asio::awaitable<Result<std::vector<domain::Ticket>>> claim_sla_due(int limit,
                                                                                    int lease_seconds) = 0;
  // True the first time (ticket, target, kind, due) is recorded; false for every later attempt.
  virtual boost::asio::awaitable<Result<bool>> record_sla_event(domain::Id ticket_id, domain::SlaTarget target,
                                                                std::string kind, domain::TimePoint due) = 0;
  // Stores the next instant the worker must look at this ticket again (nullopt = never).
  virtual boost::asio::awaitable<Status> reschedule_sla(domain::Id ticket_id,
                                                        std::optional<domain::TimePoint> next_check,
                                                        std::string sla_status) = 0;
};

}  // namespace cc::services
