// TaskFacts: the routing condition names mapped onto one task's context.
#include "cc/services/routing_facts.hpp"

#include <algorithm>
#include <cstdio>

#include "cc/routing/unicode.hpp"

namespace cc::services {

using routing::Value;

TaskFacts::TaskFacts(const TaskContext& task, const QueueStatsSource* queues,
                     const CompiledWorkflow& workflow, domain::TimePoint now)
    : task_(task), queues_(queues), workflow_(workflow), now_(now), queue_(workflow.exhausted_queue) {}

const routing::Facts& TaskFacts::for_queue(const std::string& queue) const {
  queue_ = queue;
  return *this;
}

Value json_to_value(const nlohmann::json& value) {
  if (value.is_boolean()) return Value::boolean(value.get<bool>());
  if (value.is_number()) return Value::number(value.get<double>());
  if (value.is_string()) return Value::string(value.get<std::string>());
  if (value.is_array()) {
    std::vector<Value> items;
    for (const auto& item : value) items.push_back(json_to_value(item));
    return Value::list(std::move(items));
  }
  return Value();  // null and objects
}

std::optional<Value> TaskFacts::lookup(std::string_view name) const {
  constexpr std::string_view kAttributes = "customer.attributes.";
  if (name == "channel") return Value::string(task_.channel);
  if (name == "channel_account") return Value::string(task_.channel_account);
  if (name == "intent") return Value::string(task_.intent);
  if (name == "intent_confidence") return Value::number(task_.intent_confidence);
  if (name == "sentiment") return Value::string(task_.sentiment);
  if (name == "sentiment_score") return Value::number(task_.sentiment_score);
  if (name == "escalate") return Value::boolean(task_.escalate);
  if (name == "language") return Value::string(task_.language);
  if (name == "text") return Value::string(task_.text);
  if (name == "message_count") return Value::number(task_.message_count);
  if (name == "customer.id") return Value::string(std::to_string(task_.customer.id));
  if (name == "customer.tier") return Value::string(task_.customer.tier);
  if (name == "customer.known") return Value::boolean(task_.customer.known);
  if (name == "customer.language") {
    if (task_.customer.language.empty()) return std::nullopt;
    return Value::string(task_.customer.language);
  }
  if (name == "customer.last_agent") {
    if (!task_.customer.last_agent_id) return std::nullopt;
    return Value::string(std::to_string(*task_.customer.last_agent_id));
  }
  if (name == "customer.tags") {
    std::vector<Value> tags;
    for (const auto& tag : task_.customer.tags) tags.push_back(Value::string(tag));
    return Value::list(std::move(tags));
  }
  if (name.starts_with(kAttributes)) {
    const auto key = std::string(name.substr(kAttributes.size()));
    const auto it = task_.customer.attributes.find(key);
    if (it == task_.customer.attributes.end() || it->is_null()) return std::nullopt;
    return json_to_value(*it);
  }
  if (name == "queue.name") return Value::string(queue_);
  if (name == "queue.length" || name == "queue.oldest_wait") {
    const auto stats = queues_ ? queues_->stats(queue_) : std::nullopt;
    if (!stats) return std::nullopt;
    return Value::number(name == "queue.length" ? stats->length : stats->oldest_wait_seconds);
  }
  if (name == "bot.turns") return Value::number(task_.bot_turns);
  if (name == "bot.confidence") {
    if (!task_.bot_confidence) return std::nullopt;
    return Value::number(*task_.bot_confidence);
  }
  if (name.starts_with("time.")) return time_fact(name);
  return std::nullopt;
}

std::optional<Value> TaskFacts::time_fact(std::string_view name) const {
  // Local time in the calendar's zone (UTC without a calendar).
  const auto local = std::chrono::floor<std::chrono::seconds>(now_) + workflow_.calendar_offset;
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::hh_mm_ss clock(local - day);
  const std::chrono::year_month_day date(day);
  if (name == "time.hour") return Value::number(clock.hours().count());
  if (name == "time.minute") return Value::number(clock.minutes().count());
  if (name == "time.weekday") {
    static const char* kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    return Value::string(kDays[std::chrono::weekday(day).c_encoding()]);
  }
  if (name == "time.date") {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return Value::string(text);
  }
  if (name == "time.business_hours") {
    return Value::boolean(!workflow_.calendar || workflow_.calendar->is_open(now_));
  }
  if (name == "time.holiday") {
    if (!workflow_.calendar) return Value::boolean(false);
    const domain::LocalDate today{static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                                  static_cast<unsigned>(date.day())};
    const auto& holidays = workflow_.calendar->holidays();
    return Value::boolean(std::find(holidays.begin(), holidays.end(), today) != holidays.end());
  }
  return std::nullopt;
}

std::string detect_language(std::string_view text) {
  bool latin = false;
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t cp = routing::decode_utf8(text, pos);
    if (routing::is_han(cp)) return "zh";
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) latin = true;
  }
  return latin ? "en" : "";
}

}  // namespace cc::services
