// Routing workflow document -> CompiledWorkflow, collecting every error with its JSON pointer
// (and, inside a condition, its line/column) instead of stopping at the first.
#include <algorithm>

#include "cc/services/routing_workflow.hpp"

namespace cc::services {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxNameBytes = 128;
constexpr std::size_t kMaxTextBytes = 4000;
constexpr int kMaxPriority = 1000;

class Compiler {
 public:
  explicit Compiler(std::vector<WorkflowError>& errors) : errors_(errors) {}

  void error(std::string pointer, std::string message) {
    errors_.push_back({std::move(pointer), std::move(message), std::nullopt});
  }

  void check_keys(const json& object, const std::string& pointer,
                  std::initializer_list<const char*> allowed) {
    for (const auto& [key, value] : object.items()) {
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* k) { return key == k; })) {
        error(pointer + "/" + key.substr(0, 64), "unknown field");
      }
    }
  }

  std::optional<std::string> text(const json& object, const char* key, const std::string& pointer,
                                  std::size_t max, bool required) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      if (required) error(pointer + "/" + key, "required");
      return std::nullopt;
    }
    if (!it->is_string()) {
      error(pointer + "/" + key, "must be a string");
      return std::nullopt;
    }
    const auto& value = it->get_ref<const std::string&>();
    if (value.size() > max) {
      error(pointer + "/" + key, "longer than " + std::to_string(max) + " bytes");
      return std::nullopt;
    }
    return value;
  }

  std::optional<routing::CompiledExpression> condition(const std::string& source,
                                                        const std::string& pointer) {
    routing::ParseOptions options;
    options.is_known_name = routing::is_routing_fact_name;
    auto parsed = routing::parse_expression(source, options);
    for (auto& e : parsed.errors) errors_.push_back({pointer, std::move(e.message), e.position});
    return std::move(parsed.expression);
  }

  std::optional<int> integer(const json& object, const char* key, const std::string& pointer,
                             int min, int max) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer() || it->get<long long>() < min || it->get<long long>() > max) {
      error(pointer + "/" + key,
            "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return std::nullopt;
    }
    return static_cast<int>(it->get<long long>());
  }

  std::vector<std::string> names(const json& object, const char* key, const std::string& pointer) {
    std::vector<std::string> out;
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return out;
    if (!it->is_array() || it->size() > 50) {
      error(pointer + "/" + key, "must be an array of at most 50 strings");
      return out;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& item = (*it)[i];
      if (!item.is_string() || item.get_ref<const std::string&>().empty() ||
          item.get_ref<const std::string&>().size() > kMaxNameBytes) {
        error(pointer + "/" + key + "/" + std::to_string(i), "must be a non-empty short string");
        continue;
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  std::optional<WorkflowStep> step(const json& value, const std::string& pointer) {
    if (!value.is_object()) {
      error(pointer, "a step is an object");
      return std::nullopt;
    }
    check_keys(value, pointer,
               {"queue", "skills", "priority", "priority_bump", "agent", "skip_if", "timeout"});
    WorkflowStep out;
    out.step.queue = text(value, "queue", pointer, kMaxNameBytes, false).value_or("");
    out.step.skills = names(value, "skills", pointer);
    out.step.priority = integer(value, "priority", pointer, 0, kMaxPriority);
    out.step.priority_bump = integer(value, "priority_bump", pointer, -kMaxPriority, kMaxPriority).value_or(0);
    out.step.timeout = std::chrono::seconds(integer(value, "timeout", pointer, 0, 30 * 86400).value_or(0));
    if (const auto agent = value.find("agent"); agent != value.end() && !agent->is_null()) {
      if (agent->is_string() && agent->get_ref<const std::string&>() == "last_agent") {
        out.last_agent = true;
      } else if (agent->is_string() && !agent->get_ref<const std::string&>().empty() &&
                 agent->get_ref<const std::string&>().size() < 19 &&
                 std::all_of(agent->get_ref<const std::string&>().begin(),
                             agent->get_ref<const std::string&>().end(),
                             [](char c) { return c >= '0' && c <= '9'; })) {
        out.step.agent_id = std::stoll(agent->get<std::string>());
      } else {
        error(pointer + "/agent", "must be \"last_agent\" or an agent id");
      }
    }
    if (auto skip = text(value, "skip_if", pointer, 16 * 1024, false)) {
      out.skip_if = condition(*skip, pointer + "/skip_if");
    }
    return out;
  }

  WorkflowActions actions(const json& object, const std::string& pointer) {
    WorkflowActions out;
    const auto it = object.find("actions");
    if (it == object.end() || it->is_null()) return out;
    const std::string here = pointer + "/actions";
    if (!it->is_object()) {
      error(here, "must be an object");
      return out;
    }
    check_keys(*it, here,
               {"bot_first", "auto_reply", "create_ticket", "tags", "notify_supervisor", "block"});
    auto flag = [&](const char* key) {
      const auto f = it->find(key);
      if (f == it->end() || f->is_null()) return false;
      if (!f->is_boolean()) error(here + "/" + key, "must be true or false");
      return f->is_boolean() && f->get<bool>();
    };
    out.bot_first = flag("bot_first");
    out.notify_supervisor = flag("notify_supervisor");
    out.block = flag("block");
    out.tags = names(*it, "tags", here);
    if (const auto reply = it->find("auto_reply"); reply != it->end() && !reply->is_null()) {
      if (!reply->is_object() || reply->size() > 20) {
        error(here + "/auto_reply", "must map languages to texts");
      } else {
        for (const auto& [language, value] : reply->items()) {
          if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
              value.get_ref<const std::string&>().size() > kMaxTextBytes || language.size() > 16) {
            error(here + "/auto_reply/" + language.substr(0, 16), "must be a non-empty text");
            continue;
          }
          out.auto_reply[language] = value.get<std::string>();
        }
      }
    }
    if (const auto ticket = it->find("create_ticket"); ticket != it->end() && !ticket->is_null()) {
      const std::string at = here + "/create_ticket";
      if (!ticket->is_object()) {
        error(at, "must be an object");
      } else {
        check_keys(*ticket, at, {"type", "priority"});
        TicketAction action;
        action.type = text(*ticket, "type", at, 32, false).value_or("question");
        action.priority = text(*ticket, "priority", at, 16, false).value_or("normal");
        static const std::vector<std::string> priorities{"low", "normal", "high", "urgent"};
        if (std::find(priorities.begin(), priorities.end(), action.priority) == priorities.end()) {
          error(at + "/priority", "must be low, normal, high or urgent");
        }
        out.create_ticket = action;
      }
    }
    return out;
  }

  void steps_of(const json& object, const std::string& pointer, WorkflowRule& rule,
                bool required) {
    const auto it = object.find("steps");
    if (it == object.end() || it->is_null()) {
      if (required) error(pointer + "/steps", "required: at least one step");
      return;
    }
    if (!it->is_array() || it->size() > kMaxWorkflowSteps) {
      error(pointer + "/steps", "must be an array of at most " + std::to_string(kMaxWorkflowSteps) + " steps");
      return;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      if (auto s = step((*it)[i], pointer + "/steps/" + std::to_string(i))) rule.steps.push_back(std::move(*s));
    }
    if (required && it->empty()) error(pointer + "/steps", "required: at least one step");
  }

  std::optional<WorkflowRule> rule(const json& value, const std::string& pointer) {
    if (!value.is_object()) {
      error(pointer, "a rule is an object");
      return std::nullopt;
    }
    check_keys(value, pointer, {"name", "when", "steps", "actions", "any_time"});
    WorkflowRule out;
    out.name = text(value, "name", pointer, kMaxNameBytes, true).value_or("");
    if (out.name == "default") error(pointer + "/name", "\"default\" is the name of the default rule");
    if (auto when = text(value, "when", pointer, 16 * 1024, true)) {
      out.condition_text = *when;
      out.condition = condition(*when, pointer + "/when");
    }
    out.actions = actions(value, pointer);
    const bool ends_task = out.actions.block || out.actions.create_ticket.has_value();
    steps_of(value, pointer, out, !ends_task);
    if (const auto any = value.find("any_time"); any != value.end() && !any->is_null()) {
      if (!any->is_boolean()) error(pointer + "/any_time", "must be true or false");
      out.any_time = any->is_boolean() && any->get<bool>();
    }
    return out;
  }

  void when_exhausted(const json& document, CompiledWorkflow& out) {
    const auto it = document.find("when_exhausted");
    if (it == document.end() || it->is_null()) return;
    const std::string at = "/when_exhausted";
    if (!it->is_object()) return error(at, "must be an object");
    check_keys(*it, at, {"action", "queue", "message"});
    const auto action = text(*it, "action", at, 32, true).value_or("default_queue");
    if (action == "default_queue") {
      out.when_exhausted = RoutingPlan::WhenExhausted::default_queue;
    } else if (action == "ticket") {
      out.when_exhausted = RoutingPlan::WhenExhausted::ticket;
    } else if (action == "close") {
      out.when_exhausted = RoutingPlan::WhenExhausted::close;
    } else {
      error(at + "/action", "must be default_queue, ticket or close");
    }
    out.exhausted_queue = text(*it, "queue", at, kMaxNameBytes, false).value_or("default");
    out.close_message = text(*it, "message", at, kMaxTextBytes, false).value_or("");
    if (out.when_exhausted == RoutingPlan::WhenExhausted::close && out.close_message.empty()) {
      error(at + "/message", "required when action is close");
    }
  }

  void aging(const json& document, CompiledWorkflow& out) {
    const auto it = document.find("priority_aging");
    if (it == document.end() || it->is_null()) return;
    const std::string at = "/priority_aging";
    if (!it->is_object()) return error(at, "must be an object");
    check_keys(*it, at, {"every_seconds", "bump", "max"});
    out.aging.every = std::chrono::seconds(integer(*it, "every_seconds", at, 1, 86400).value_or(0));
    out.aging.bump = integer(*it, "bump", at, 0, kMaxPriority).value_or(0);
    out.aging.max = integer(*it, "max", at, 0, kMaxPriority).value_or(kMaxPriority);
  }

  void business_hours(const json& document, CompiledWorkflow& out);

 private:
  std::vector<WorkflowError>& errors_;
};

// "business_hours": {"zone": "+08:00", "weekly": {"mon": ["09:00-18:00"], ...},
//   "holidays": ["2026-10-01"], "outside_hours": {"action": "queue"|"ticket"|"close", ...}}
void Compiler::business_hours(const json& document, CompiledWorkflow& out) {
  const auto it = document.find("business_hours");
  if (it == document.end() || it->is_null()) return;
  const std::string at = "/business_hours";
  if (!it->is_object()) return error(at, "must be an object");
  check_keys(*it, at, {"zone", "weekly", "holidays", "outside_hours"});
  const auto zone_text = text(*it, "zone", at, 16, false).value_or("UTC");
  const auto offset = domain::parse_utc_offset(zone_text);
  if (!offset) error(at + "/zone", "must be a UTC offset such as +08:00");
  static const char* kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  domain::WeeklyHours hours;
  const auto weekly = it->find("weekly");
  if (weekly == it->end() || !weekly->is_object()) {
    error(at + "/weekly", "required: an object of days (mon..sun) to [\"09:00-18:00\", ...]");
  } else {
    for (const auto& [day, spans] : weekly->items()) {
      const auto found = std::find_if(std::begin(kDays), std::end(kDays), [&](const char* d) { return day == d; });
      const std::string here = at + "/weekly/" + day.substr(0, 8);
      if (found == std::end(kDays)) {
        error(here, "not a day (mon..sun)");
        continue;
      }
      if (!spans.is_array() || spans.size() > 8) {
        error(here, "must be an array of \"HH:MM-HH:MM\"");
        continue;
      }
      for (std::size_t i = 0; i < spans.size(); ++i) {
        const auto span = spans[i].is_string() ? spans[i].get<std::string>() : std::string();
        const auto dash = span.find('-');
        const auto open = dash == std::string::npos ? std::nullopt : domain::parse_clock_minute(span.substr(0, dash));
        const auto close = dash == std::string::npos ? std::nullopt : domain::parse_clock_minute(span.substr(dash + 1));
        if (!open || !close) {
          error(here + "/" + std::to_string(i), "must be \"HH:MM-HH:MM\"");
          continue;
        }
        hours[static_cast<std::size_t>(found - std::begin(kDays))].push_back({*open, *close});
      }
    }
  }
  std::vector<domain::LocalDate> holidays;
  if (const auto list = it->find("holidays"); list != it->end() && !list->is_null()) {
    if (!list->is_array() || list->size() > 1000) {
      error(at + "/holidays", "must be an array of dates (YYYY-MM-DD)");
    } else {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const auto date = (*list)[i].is_string() ? domain::parse_local_date((*list)[i].get<std::string>()) : std::nullopt;
        if (!date) {
          error(at + "/holidays/" + std::to_string(i), "must be a date (YYYY-MM-DD)");
          continue;
        }
        holidays.push_back(*date);
      }
    }
  }
  if (offset) {
    auto calendar = domain::BusinessCalendar::make(
        std::move(hours), std::move(holidays), std::make_shared<domain::FixedUtcOffset>(*offset));
    if (!calendar) {
      error(at + "/weekly", calendar.error().detail);
    } else {
      out.calendar.emplace(std::move(*calendar));
      out.calendar_offset = *offset;
    }
  }
  const auto outside = it->find("outside_hours");
  if (outside == it->end() || outside->is_null()) return;
  const std::string oat = at + "/outside_hours";
  if (!outside->is_object()) return error(oat, "must be an object");
  check_keys(*outside, oat, {"action", "queue", "message"});
  OutsideHours action;
  const auto name = text(*outside, "action", oat, 16, true).value_or("queue");
  if (name == "queue") {
    action.action = OutsideHours::Action::queue;
  } else if (name == "ticket") {
    action.action = OutsideHours::Action::ticket;
  } else if (name == "close") {
    action.action = OutsideHours::Action::close;
  } else {
    error(oat + "/action", "must be queue, ticket or close");
  }
  action.queue = text(*outside, "queue", oat, kMaxNameBytes, false).value_or("");
  action.message = text(*outside, "message", oat, kMaxTextBytes, false).value_or("");
  if (action.action == OutsideHours::Action::close && action.message.empty()) {
    error(oat + "/message", "required when action is close");
  }
  out.outside_hours = std::move(action);
}

}  // namespace

WorkflowCompileResult compile_workflow(const nlohmann::json& document, int version) {
  WorkflowCompileResult result;
  Compiler c(result.errors);
  auto workflow = std::make_shared<CompiledWorkflow>();
  workflow->version = version;
  if (!document.is_object()) {
    c.error("", "the workflow is a JSON object");
    return result;
  }
  c.check_keys(document, "",
               {"rules", "default", "when_exhausted", "priority_aging", "business_hours", "description"});
  if (const auto rules = document.find("rules"); rules != document.end() && !rules->is_null()) {
    if (!rules->is_array() || rules->size() > kMaxWorkflowRules) {
      c.error("/rules", "must be an array of at most " + std::to_string(kMaxWorkflowRules) + " rules");
    } else {
      for (std::size_t i = 0; i < rules->size(); ++i) {
        if (auto rule = c.rule((*rules)[i], "/rules/" + std::to_string(i))) {
          const bool taken = std::any_of(workflow->rules.begin(), workflow->rules.end(),
                                         [&](const WorkflowRule& r) { return r.name == rule->name; });
          if (taken && !rule->name.empty()) c.error("/rules/" + std::to_string(i) + "/name", "duplicate rule name");
          workflow->rules.push_back(std::move(*rule));
        }
      }
    }
  }
  const auto fallback = document.find("default");
  if (fallback == document.end() || !fallback->is_object()) {
    c.error("/default", "required: the rule used when no other matches ({\"steps\": [...]})");
  } else {
    c.check_keys(*fallback, "/default", {"steps", "actions"});
    workflow->default_rule.name = "default";
    workflow->default_rule.actions = c.actions(*fallback, "/default");
    const bool ends_task = workflow->default_rule.actions.block ||
                           workflow->default_rule.actions.create_ticket.has_value();
    c.steps_of(*fallback, "/default", workflow->default_rule, !ends_task);
  }
  c.when_exhausted(document, *workflow);
  c.aging(document, *workflow);
  c.business_hours(document, *workflow);
  if (result.errors.empty()) result.workflow = std::move(workflow);
  return result;
}

std::shared_ptr<const CompiledWorkflow> builtin_workflow() {
  static const auto workflow = [] {
    auto w = std::make_shared<CompiledWorkflow>();
    w->default_rule.name = "default";
    WorkflowStep step;
    step.step.queue = "default";
    w->default_rule.steps.push_back(step);
    return std::shared_ptr<const CompiledWorkflow>(std::move(w));
  }();
  return workflow;
}

}  // namespace cc::services
