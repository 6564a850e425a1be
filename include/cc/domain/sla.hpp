#pragma once
// SLA arithmetic for one ticket: which policy applies, when each target falls due, how timers
// pause (pending, on_hold) and resume, and when the warning before a breach fires. Pure: the
// caller passes the calendar and "now" (the injectable clock).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/business_calendar.hpp"
#include "cc/domain/ticket.hpp"

namespace cc::domain {

std::string_view to_string(SlaTarget target);

// Empty lists match anything.
struct SlaConditions {
  std::vector<std::string> priorities;
  std::vector<std::string> tiers;
  std::vector<std::string> channels;
  std::vector<std::string> types;
};

struct SlaFacts {
  std::string priority;
  std::string tier;
  std::string channel;  // "" when the ticket came from no conversation
  std::string type;
};

bool sla_conditions_match(const SlaConditions& conditions, const SlaFacts& facts);

struct SlaTargets {
  std::optional<std::chrono::seconds> first_reply;
  std::optional<std::chrono::seconds> next_reply;
  std::optional<std::chrono::seconds> resolution;
  int warning_percent = 80;
  std::optional<std::chrono::seconds> of(SlaTarget target) const;
};

// At creation: first reply and resolution start counting from `now`.
SlaClock start_sla(const SlaTargets& targets, const BusinessCalendar& calendar, TimePoint now);
// A customer message: next reply starts counting (a running one keeps its earlier due time).
void start_next_reply(SlaClock& clock, const SlaTargets& targets, const BusinessCalendar& calendar,
                      TimePoint now);
// An agent answered: first and next reply are met (stop).
void meet_replies(SlaClock& clock);
// Entering pending/on_hold: every due time becomes the business seconds left. Idempotent.
void pause_sla(SlaClock& clock, const BusinessCalendar& calendar, TimePoint now);
// Leaving pending/on_hold for a running state: the seconds left count again from `now`.
void resume_sla(SlaClock& clock, const BusinessCalendar& calendar, TimePoint now);
// Solved or closed: nothing runs any more.
void stop_sla(SlaClock& clock);

// The earliest due time among running targets, with its target.
struct NextDue {
  SlaTarget target;
  TimePoint due;
};
std::optional<NextDue> next_due(const SlaClock& clock);

// The instant the warning fires for a target due at `due` with `length` seconds in all:
// when warning_percent of it has elapsed, i.e. (100 - percent)% before due in business time.
TimePoint warning_instant(TimePoint due, std::chrono::seconds length, int warning_percent,
                          const BusinessCalendar& calendar, TimePoint now);

// "ok", "warning" or "breached" for a running clock at `now`; "paused" while paused; "none"
// when no target runs.
std::string sla_status_at(const SlaClock& clock, const SlaTargets& targets,
                          const BusinessCalendar& calendar, TimePoint now);

}  // namespace cc::domain
