#include "cc/services/sla_engine.hpp"

#include <spdlog/spdlog.h>

#include "cc/async/log.hpp"
#include "cc/services/ticket_json.hpp"
#include "cc/services/time_zones.hpp"

namespace cc::services {
namespace {

using boost::asio::awaitable;
using nlohmann::json;

std::shared_ptr<spdlog::logger> log() { return async::module_logger("sla"); }

constexpr const char* kWeekdays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

}  // namespace

Result<domain::BusinessCalendar> calendar_from(const CalendarDefinition& definition) {
  auto zone = make_time_zone(definition.time_zone);
  if (!zone) return zone.error();
  const auto hours = json::parse(definition.hours_json, nullptr, false);
  const auto holidays = json::parse(definition.holidays_json, nullptr, false);
  if (!hours.is_object()) return Error::invalid("hours must be an object keyed by weekday", "hours");
  if (!holidays.is_array() || holidays.size() > 1000) {
    return Error::invalid("holidays must be an array of dates", "holidays");
  }
  domain::WeeklyHours week;
  for (const auto& [key, intervals] : hours.items()) {
    auto day = std::find(std::begin(kWeekdays), std::end(kWeekdays), key);
    if (day == std::end(kWeekdays)) return Error::invalid("unknown weekday: " + key, "hours/" + key);
    if (!intervals.is_array() || intervals.size() > 12) {
      return Error::invalid("a weekday has a list of [open, close] pairs", "hours/" + key);
    }
    for (const auto& pair : intervals) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
        return Error::invalid("an interval is [\"HH:MM\", \"HH:MM\"]", "hours/" + key);
      }
      auto open = domain::parse_clock_minute(pair[0].get<std::string>());
      auto close = domain::parse_clock_minute(pair[1].get<std::string>());
      if (!open || !close) return Error::invalid("times are HH:MM", "hours/" + key);
      week[static_cast<std::size_t>(day - std::begin(kWeekdays))].push_back({*open, *close});
    }
  }
  std::vector<domain::LocalDate> dates;
  for (const auto& item : holidays) {
    auto date = item.is_string() ? domain::parse_local_date(item.get<std::string>()) : std::nullopt;
    if (!date) return Error::invalid("holidays are YYYY-MM-DD dates", "holidays");
    dates.push_back(*date);
  }
  return domain::BusinessCalendar::make(std::move(week), std::move(dates), *zone);
}

SlaEngine::SlaEngine(TicketRepository& tickets, EventDispatcher& events, Clock clock)
    : tickets_(tickets), events_(events), clock_(std::move(clock)) {}

awaitable<Result<std::optional<ResolvedSla>>> SlaEngine::policy_for(const domain::SlaFacts& facts) {
  auto policies = co_await tickets_.sla_policies();
  if (!policies) co_return policies.error();
  for (const auto& policy : *policies) {
    if (!policy.active || !domain::sla_conditions_match(policy.conditions, facts)) continue;
    co_return co_await policy_by_id(policy.id);
  }
  co_return std::optional<ResolvedSla>{};
}

awaitable<Result<std::optional<ResolvedSla>>> SlaEngine::policy_by_id(domain::Id id) {
  auto policies = co_await tickets_.sla_policies();
  if (!policies) co_return policies.error();
  auto found = std::find_if(policies->begin(), policies->end(), [&](const SlaPolicy& p) { return p.id == id; });
  if (found == policies->end()) co_return std::optional<ResolvedSla>{};
  ResolvedSla resolved{*found};
  if (found->calendar_id) {
    auto calendars = co_await tickets_.calendars();
    if (!calendars) co_return calendars.error();
    for (const auto& definition : *calendars) {
      if (definition.id != *found->calendar_id) continue;
      auto calendar = calendar_from(definition);
      if (!calendar) {
        log()->error("calendar {} is invalid ({}); counting around the clock", definition.id,
                     calendar.error().detail);
        break;
      }
      resolved.calendar = std::move(*calendar);
    }
  }
  co_return std::optional<ResolvedSla>(std::move(resolved));
}

domain::SlaClock SlaEngine::after_transition(domain::SlaClock clock, domain::TicketState from,
                                             domain::TicketState to, const ResolvedSla& sla) const {
  using S = domain::TicketState;
  const auto now = clock_();
  if (to == S::solved || to == S::closed) {
    domain::stop_sla(clock);
  } else if (domain::sla_paused_in(to)) {
    domain::pause_sla(clock, sla.calendar, now);
  } else if (from == S::solved) {
    // Reopened: resolution counts afresh; the first reply was given long ago.
    auto targets = sla.policy.targets;
    targets.first_reply.reset();
    clock = domain::start_sla(targets, sla.calendar, now);
  } else {
    domain::resume_sla(clock, sla.calendar, now);
  }
  return clock;
}

std::pair<std::optional<domain::TimePoint>, std::string> SlaEngine::schedule(const domain::SlaClock& clock,
                                                                             const ResolvedSla& sla) const {
  const auto now = clock_();
  std::optional<domain::TimePoint> next;
  for (auto target : domain::kAllSlaTargets) {
    const auto& due = clock.due_of(target);
    const auto length = sla.policy.targets.of(target);
    if (!due || !length || *due <= now) continue;  // absent, or already breached
    const auto warning =
        domain::warning_instant(*due, *length, sla.policy.targets.warning_percent, sla.calendar, now);
    const auto check = warning > now ? warning : *due;
    if (!next || check < *next) next = check;
  }
  return {next, domain::sla_status_at(clock, sla.policy.targets, sla.calendar, now)};
}

awaitable<int> SlaEngine::run_pass(int batch) {
  auto claimed = co_await tickets_.claim_sla_due(batch, 60);
  if (!claimed) {
    log()->warn("sla pass skipped: {}", claimed.error().detail);
    co_return 0;
  }
  for (const auto& ticket : *claimed) {
    std::optional<ResolvedSla> sla;
    if (ticket.sla_policy_id) {
      auto policy = co_await policy_by_id(*ticket.sla_policy_id);
      if (policy) sla = std::move(*policy);
    }
    if (!sla) {
      auto cleared = co_await tickets_.reschedule_sla(ticket.id, std::nullopt, "none");
      if (!cleared) log()->warn("ticket {}: sla not cleared: {}", ticket.id, cleared.error().detail);
      continue;
    }
    const auto now = clock_();
    for (auto target : domain::kAllSlaTargets) {
      const auto& due = ticket.sla.due_of(target);
      const auto length = sla->policy.targets.of(target);
      if (!due || !length) continue;
      if (*due <= now) {
        co_await fire(ticket, *sla, target, "breach", *due);
      } else if (domain::warning_instant(*due, *length, sla->policy.targets.warning_percent, sla->calendar,
                                         now) <= now) {
        co_await fire(ticket, *sla, target, "warning", *due);
      }
    }
    auto [check, status] = schedule(ticket.sla, *sla);
    auto stored = co_await tickets_.reschedule_sla(ticket.id, check, status);
    if (!stored) log()->warn("ticket {}: sla not rescheduled: {}", ticket.id, stored.error().detail);
  }
  co_return static_cast<int>(claimed->size());
}

awaitable<void> SlaEngine::fire(const domain::Ticket& ticket, const ResolvedSla& sla, domain::SlaTarget target,
                                const std::string& kind, domain::TimePoint due) {
  auto first = co_await tickets_.record_sla_event(ticket.id, target, kind, due);
  if (!first || !*first) co_return;  // another instance (or an earlier pass) fired it
  log()->info("ticket {}: sla {} {}", ticket.id, domain::to_string(target), kind);
  const json event{{"target", domain::to_string(target)}, {"kind", kind}};
  const auto actions = json::parse(kind == "breach" ? sla.policy.breach_actions_json : sla.policy.warning_actions_json,
                                   nullptr, false);
  const json list = actions.is_array() ? actions : json::array();
  co_await run_actions(ticket, list, event);
}

awaitable<void> SlaEngine::run_actions(const domain::Ticket& ticket, const json& actions, const json& event) {
  const TicketActor actor{std::nullopt, "sla"};
  std::vector<domain::Id> notify;
  if (ticket.assignee_id) notify.push_back(*ticket.assignee_id);
  TicketPatch patch;
  patch.reason = "sla " + event["target"].get<std::string>() + " " + event["kind"].get<std::string>();
  for (const auto& action : actions) {
    const auto type = action.value("type", "");
    if (type == "raise_priority") {
      patch.priority = domain::raised(ticket.priority);
    } else if (type == "reassign_team" && action.contains("team") && action["team"].is_string()) {
      patch.team = std::optional<std::string>(action["team"].get<std::string>());
    } else if ((type == "reassign_agent" || type == "notify") && action.contains("agent_id")) {
      const auto& value = action["agent_id"];
      domain::Id agent = value.is_string() ? std::atoll(value.get<std::string>().c_str())
                                           : value.is_number_integer() ? value.get<domain::Id>() : 0;
      if (agent <= 0) continue;
      if (type == "reassign_agent") patch.assignee_id = std::optional<domain::Id>(agent);
      notify.push_back(agent);
    }
  }
  domain::Ticket current = ticket;
  if (!patch.empty()) {
    auto updated = co_await tickets_.update(ticket.id, std::nullopt, std::move(patch), actor);
    if (updated) {
      current = *updated;
    } else {
      log()->warn("ticket {}: escalation not applied: {}", ticket.id, updated.error().detail);
    }
  }
  std::sort(notify.begin(), notify.end());
  notify.erase(std::unique(notify.begin(), notify.end()), notify.end());
  const auto type = event["kind"] == "breach" ? "ticket.sla_breached" : "ticket.sla_warning";
  const json data{{"ticket", ticket_json(current)}, {"sla", event}};
  std::vector<AgentEvent> events;
  for (auto agent : notify) events.push_back(make_event(agent, type, data));
  co_await events_.emit(std::move(events));
}

}  // namespace cc::services
