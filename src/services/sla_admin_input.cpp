// Validation of SLA policy and business calendar bodies from the admin API.
#include "cc/services/sla_engine.hpp"

namespace cc::services {
namespace {

using nlohmann::json;

Result<std::vector<std::string>> string_list(const json& conditions, const char* key,
                                             bool (*valid)(const std::string&)) {
  std::vector<std::string> out;
  if (!conditions.contains(key)) return out;
  const auto& list = conditions[key];
  if (!list.is_array() || list.size() > 20) {
    return Error::invalid(std::string("conditions.") + key + " must be an array", std::string("conditions/") + key);
  }
  for (const auto& item : list) {
    if (!item.is_string() || item.get<std::string>().size() > 64 || !valid(item.get<std::string>())) {
      return Error::invalid(std::string("unknown value in conditions.") + key, std::string("conditions/") + key);
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::optional<std::chrono::seconds>> target(const json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return std::optional<std::chrono::seconds>{};
  if (!body[key].is_number_integer() || body[key].get<std::int64_t>() <= 0 ||
      body[key].get<std::int64_t>() > 365LL * 86400) {
    return Error::invalid(std::string(key) + " must be a positive number of seconds (up to a year)", key);
  }
  return std::optional<std::chrono::seconds>(std::chrono::seconds(body[key].get<std::int64_t>()));
}

Result<std::string> actions(const json& body, const char* key) {
  if (!body.contains(key)) return std::string("[]");
  const auto& list = body[key];
  if (!list.is_array() || list.size() > 10) return Error::invalid(std::string(key) + " must be an array", key);
  for (const auto& action : list) {
    const auto type = action.is_object() ? action.value("type", "") : "";
    const bool ok = type == "raise_priority" ||
                    (type == "reassign_team" && action.contains("team") && action["team"].is_string() &&
                     !action["team"].get<std::string>().empty() && action["team"].get<std::string>().size() <= 100) ||
                    ((type == "reassign_agent" || type == "notify") && action.contains("agent_id") &&
                     (action["agent_id"].is_string() || action["agent_id"].is_number_integer()));
    if (!ok) {
      return Error::invalid("actions are raise_priority, reassign_team {team}, reassign_agent {agent_id} or "
                            "notify {agent_id}",
                            key);
    }
  }
  return list.dump();
}

bool any_text(const std::string&) { return true; }
bool priority_name(const std::string& v) { return domain::parse_ticket_priority(v).has_value(); }
bool type_name(const std::string& v) { return domain::parse_ticket_type(v).has_value(); }

}  // namespace

Result<SlaPolicy> sla_policy_from(const json& body) {
  SlaPolicy policy;
  if (!body.contains("name") || !body["name"].is_string() || body["name"].get<std::string>().empty() ||
      body["name"].get<std::string>().size() > 200) {
    return Error::invalid("name is required (1 to 200 bytes)", "name");
  }
  policy.name = body["name"].get<std::string>();
  if (body.contains("position")) {
    if (!body["position"].is_number_integer()) return Error::invalid("position must be an integer", "position");
    policy.position = body["position"].get<int>();
  }
  if (body.contains("active")) {
    if (!body["active"].is_boolean()) return Error::invalid("active must be a boolean", "active");
    policy.active = body["active"].get<bool>();
  }
  const auto conditions = body.value("conditions", json::object());
  if (!conditions.is_object()) return Error::invalid("conditions must be an object", "conditions");
  auto priorities = string_list(conditions, "priority", priority_name);
  if (!priorities) return priorities.error();
  auto tiers = string_list(conditions, "tier", any_text);
  if (!tiers) return tiers.error();
  auto channels = string_list(conditions, "channel", any_text);
  if (!channels) return channels.error();
  auto types = string_list(conditions, "type", type_name);
  if (!types) return types.error();
  policy.conditions = {*priorities, *tiers, *channels, *types};
  if (body.contains("calendar_id") && !body["calendar_id"].is_null()) {
    const auto& value = body["calendar_id"];
    domain::Id id = value.is_number_integer() ? value.get<domain::Id>()
                    : value.is_string()       ? std::atoll(value.get<std::string>().c_str())
                                              : 0;
    if (id <= 0) return Error::invalid("calendar_id must be an id", "calendar_id");
    policy.calendar_id = id;
  }
  for (auto [key, slot] : {std::pair{"first_reply_seconds", &policy.targets.first_reply},
                           std::pair{"next_reply_seconds", &policy.targets.next_reply},
                           std::pair{"resolution_seconds", &policy.targets.resolution}}) {
    auto value = target(body, key);
    if (!value) return value.error();
    *slot = *value;
  }
  if (!policy.targets.first_reply && !policy.targets.next_reply && !policy.targets.resolution) {
    return Error::invalid("a policy needs at least one target", "first_reply_seconds");
  }
  if (body.contains("warning_percent")) {
    if (!body["warning_percent"].is_number_integer() || body["warning_percent"].get<int>() < 1 ||
        body["warning_percent"].get<int>() > 99) {
      return Error::invalid("warning_percent must be 1 to 99", "warning_percent");
    }
    policy.targets.warning_percent = body["warning_percent"].get<int>();
  }
  auto warning = actions(body, "warning_actions");
  if (!warning) return warning.error();
  policy.warning_actions_json = *warning;
  auto breach = actions(body, "breach_actions");
  if (!breach) return breach.error();
  policy.breach_actions_json = *breach;
  return policy;
}

Result<CalendarDefinition> calendar_definition_from(const json& body) {
  CalendarDefinition definition;
  if (!body.contains("name") || !body["name"].is_string() || body["name"].get<std::string>().empty() ||
      body["name"].get<std::string>().size() > 200) {
    return Error::invalid("name is required (1 to 200 bytes)", "name");
  }
  definition.name = body["name"].get<std::string>();
  if (body.contains("time_zone")) {
    if (!body["time_zone"].is_string()) return Error::invalid("time_zone must be a string", "time_zone");
    definition.time_zone = body["time_zone"].get<std::string>();
  }
  definition.hours_json = body.value("hours", json::object()).dump();
  definition.holidays_json = body.value("holidays", json::array()).dump();
  auto calendar = calendar_from(definition);  // the same parser the timers use: valid or refused
  if (!calendar) return calendar.error();
  return definition;
}

}  // namespace cc::services
