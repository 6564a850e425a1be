// SLA timers: start, pause, resume, meet, and the warning instant, in business time.
#include <algorithm>

#include "cc/domain/sla.hpp"

namespace cc::domain {
namespace {

using std::chrono::seconds;

bool any_of(const std::vector<std::string>& allowed, const std::string& value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

}  // namespace

std::string_view to_string(SlaTarget target) {
  switch (target) {
    case SlaTarget::first_reply: return "first_reply";
    case SlaTarget::next_reply: return "next_reply";
    case SlaTarget::resolution: return "resolution";
  }
  return "resolution";
}

bool sla_conditions_match(const SlaConditions& conditions, const SlaFacts& facts) {
  return any_of(conditions.priorities, facts.priority) && any_of(conditions.tiers, facts.tier) &&
         any_of(conditions.channels, facts.channel) && any_of(conditions.types, facts.type);
}

std::optional<seconds> SlaTargets::of(SlaTarget target) const {
  switch (target) {
    case SlaTarget::first_reply: return first_reply;
    case SlaTarget::next_reply: return next_reply;
    case SlaTarget::resolution: return resolution;
  }
  return std::nullopt;
}

SlaClock start_sla(const SlaTargets& targets, const BusinessCalendar& calendar, TimePoint now) {
  SlaClock clock;
  for (auto target : {SlaTarget::first_reply, SlaTarget::resolution}) {
    if (auto length = targets.of(target)) {
      clock.due_of(target) = calendar.add_business_seconds(now, *length);
    }
  }
  return clock;
}

void start_next_reply(SlaClock& clock, const SlaTargets& targets, const BusinessCalendar& calendar,
                      TimePoint now) {
  const auto index = static_cast<int>(SlaTarget::next_reply);
  if (!targets.next_reply || clock.due[index] || clock.remaining[index]) return;
  // The first reply still running covers the customer's first message.
  if (clock.due_of(SlaTarget::first_reply) || clock.remaining[0]) return;
  if (clock.paused_at) {
    clock.remaining[index] = *targets.next_reply;
  } else {
    clock.due[index] = calendar.add_business_seconds(now, *targets.next_reply);
  }
}

void meet_replies(SlaClock& clock) {
  for (int i : {0, 1}) {
    clock.due[i].reset();
    clock.remaining[i].reset();
  }
}

void pause_sla(SlaClock& clock, const BusinessCalendar& calendar, TimePoint now) {
  if (clock.paused_at) return;
  for (int i = 0; i < 3; ++i) {
    if (!clock.due[i]) continue;
    clock.remaining[i] = calendar.business_seconds_between(now, *clock.due[i]);
    clock.due[i].reset();
  }
  clock.paused_at = now;
}

void resume_sla(SlaClock& clock, const BusinessCalendar& calendar, TimePoint now) {
  if (!clock.paused_at) return;
  for (int i = 0; i < 3; ++i) {
    if (!clock.remaining[i]) continue;
    clock.due[i] = calendar.add_business_seconds(now, *clock.remaining[i]);
    clock.remaining[i].reset();
  }
  clock.paused_at.reset();
}

void stop_sla(SlaClock& clock) { clock = SlaClock{}; }

std::optional<NextDue> next_due(const SlaClock& clock) {
  std::optional<NextDue> best;
  for (auto target : kAllSlaTargets) {
    const auto& due = clock.due_of(target);
    if (due && (!best || *due < best->due)) best = NextDue{target, *due};
  }
  return best;
}

TimePoint warning_instant(TimePoint due, seconds length, int warning_percent,
                          const BusinessCalendar& calendar, TimePoint now) {
  const auto lead = seconds(length.count() * (100 - std::clamp(warning_percent, 1, 99)) / 100);
  const auto left = calendar.business_seconds_between(now, due);
  if (left <= lead) return now;
  return calendar.add_business_seconds(now, left - lead);
}

std::string sla_status_at(const SlaClock& clock, const SlaTargets& targets,
                          const BusinessCalendar& calendar, TimePoint now) {
  if (clock.paused_at) return "paused";
  auto next = next_due(clock);
  if (!next) return "none";
  if (next->due <= now) return "breached";
  auto length = targets.of(next->target);
  if (length && warning_instant(next->due, *length, targets.warning_percent, calendar, now) <= now) {
    return "warning";
  }
  return "ok";
}

}  // namespace cc::domain
