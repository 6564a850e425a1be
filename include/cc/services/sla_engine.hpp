#pragma once
// SLA policies and timers: picks the policy for a ticket, keeps its clock (start, pause, resume,
// stop) in business time, and runs the timer pass that fires warnings and breaches once across
// every server instance (a unique event row per ticket, target, kind and due time). Shared by
// TicketService and the SLA PollingLoop; thread-safe (no mutable state besides the store).
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <nlohmann/json.hpp>

#include "cc/domain/business_calendar.hpp"
#include "cc/domain/sla.hpp"
#include "cc/services/event_dispatcher.hpp"
#include "cc/services/ports/ticket_repository.hpp"

namespace cc::services {

using Clock = std::function<domain::TimePoint()>;

// A policy with its calendar resolved.
struct ResolvedSla {
  SlaPolicy policy;
  domain::BusinessCalendar calendar = domain::BusinessCalendar::always_open();
};

// Parses a stored calendar definition: {"mon": [["09:00","17:00"]], ...}, holidays, zone.
Result<domain::BusinessCalendar> calendar_from(const CalendarDefinition& definition);

// Admin bodies: {name, position, active, conditions: {priority, tier, channel, type},
// calendar_id, first_reply_seconds, next_reply_seconds, resolution_seconds, warning_percent,
// warning_actions, breach_actions} and {name, time_zone, hours, holidays}; 422 naming the field.
Result<SlaPolicy> sla_policy_from(const nlohmann::json& body);
Result<CalendarDefinition> calendar_definition_from(const nlohmann::json& body);

class SlaEngine {
 public:
  SlaEngine(TicketRepository& tickets, EventDispatcher& events, Clock clock);

  // The first active policy whose conditions match; nullopt when none does.
  boost::asio::awaitable<Result<std::optional<ResolvedSla>>> policy_for(const domain::SlaFacts& facts);
  boost::asio::awaitable<Result<std::optional<ResolvedSla>>> policy_by_id(domain::Id id);
  // The clock after a ticket moves from `from` to `to` (pause, resume, stop).
  domain::SlaClock after_transition(domain::SlaClock clock, domain::TicketState from, domain::TicketState to,
                                    const ResolvedSla& sla) const;
  // The next instant the worker must look at a ticket with this clock, and its status now.
  std::pair<std::optional<domain::TimePoint>, std::string> schedule(const domain::SlaClock& clock,
                                                                    const ResolvedSla& sla) const;
  // One timer pass: claims due tickets, fires each warning/breach once, runs its actions.
  boost::asio::awaitable<int> run_pass(int batch);

  domain::TimePoint now() const { return clock_(); }

 private:
  boost::asio::awaitable<void> fire(const domain::Ticket& ticket, const ResolvedSla& sla,
                                    domain::SlaTarget target, const std::string& kind, domain::TimePoint due);
  boost::asio::awaitable<void> run_actions(const domain::Ticket& ticket, const nlohmann::json& actions,
                                           const nlohmann::json& event);

  TicketRepository& tickets_;
  EventDispatcher& events_;
  Clock clock_;
};

}  // namespace cc::services
