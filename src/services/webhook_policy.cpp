#include "cc/services/webhook_policy.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

#include "cc/domain/time_format.hpp"

namespace cc::services {
namespace {

constexpr std::size_t kMaxFilterBytes = 200;

const nlohmann::json* field_of(const nlohmann::json& data, const char* name) {
  if (!data.is_object()) return nullptr;
  if (auto it = data.find(name); it != data.end()) return &*it;
  if (auto conversation = data.find("conversation");
      conversation != data.end() && conversation->is_object()) {
    if (auto it = conversation->find(name); it != conversation->end()) return &*it;
  }
  return nullptr;
}

bool text_matches(const nlohmann::json* value, const std::string& wanted) {
  if (value == nullptr) return false;
  if (value->is_string()) return value->get<std::string>() == wanted;
  if (value->is_number_integer()) return std::to_string(value->get<std::int64_t>()) == wanted;
  return false;
}

bool tag_matches(const nlohmann::json& data, const std::string& wanted) {
  const auto* tags = field_of(data, "tags");
  if (tags == nullptr || !tags->is_array()) return false;
  return std::any_of(tags->begin(), tags->end(), [&](const nlohmann::json& tag) {
    return tag.is_string() && tag.get<std::string>() == wanted;
  });
}

}  // namespace

const std::vector<std::string>& webhook_event_types() {
  static const std::vector<std::string> kTypes{
      "*",
      "conversation.created",
      "conversation.assigned",
      "conversation.closed",
      "message.created",
      "message.status",
      "ticket.created",
      "ticket.updated",
      "ticket.sla_breached",
      "customer.merged",
      "csat.received",
      "routing.lead"};
  return kTypes;
}

std::optional<Error> validate_webhook_url(std::string_view url) {
  if (url.size() > 2048) return Error::invalid("url is longer than 2048 bytes", "/url");
  const bool http = url.substr(0, 7) == "http://";
  const bool https = url.substr(0, 8) == "https://";
  if (!http && !https) return Error::invalid("url must be http:// or https://", "/url");
  const auto rest = url.substr(http ? 7 : 8);
  const auto host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.empty() || host.front() == ':' || host.find('@') != std::string_view::npos) {
    return Error::invalid("url must name a host (no user info)", "/url");
  }
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Error::invalid("url must not contain spaces or control characters", "/url");
    }
  }
  return std::nullopt;
}

std::optional<Error> validate_webhook_events(const std::vector<std::string>& events) {
  if (events.empty()) return Error::invalid("events must name at least one event type", "/events");
  if (events.size() > 50) return Error::invalid("at most 50 event types", "/events");
  const auto& known = webhook_event_types();
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (std::find(known.begin(), known.end(), events[i]) == known.end()) {
      return Error::invalid("unknown event type: " + events[i].substr(0, 64),
                            "/events/" + std::to_string(i));
    }
  }
  return std::nullopt;
}

std::optional<Error> validate_webhook_filters(const WebhookFilters& filters) {
  auto check = [](const std::optional<std::string>& value, const char* name) -> std::optional<Error> {
    if (value && (value->empty() || value->size() > kMaxFilterBytes)) {
      return Error::invalid(std::string(name) + " must be 1 to 200 bytes",
                            std::string("/filters/") + name);
    }
    return std::nullopt;
  };
  if (auto error = check(filters.channel, "channel")) return error;
  if (auto error = check(filters.queue, "queue")) return error;
  return check(filters.tag, "tag");
}

bool webhook_matches(const WebhookSubscription& subscription, const DomainEvent& event) {
  const bool wanted = std::any_of(subscription.events.begin(), subscription.events.end(),
                                  [&](const std::string& type) {
                                    return type == "*" || type == event.type;
                                  });
  if (!wanted) return false;
  const auto& filters = subscription.filters;
  if (filters.channel && !text_matches(field_of(event.data, "channel"), *filters.channel)) {
    return false;
  }
  if (filters.queue && !text_matches(field_of(event.data, "queue"), *filters.queue) &&
      !text_matches(field_of(event.data, "queue_id"), *filters.queue)) {
    return false;
  }
  if (filters.tag && !tag_matches(event.data, *filters.tag)) return false;
  return true;
}

std::string webhook_payload(const DomainEvent& event, domain::TimePoint at) {
  return nlohmann::json{{"type", event.type},
                        {"timestamp", domain::format_time(at)},
                        {"data", event.data}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty() || value.size() > 64) return std::nullopt;
  std::int64_t seconds = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (error == std::errc() && end == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::milliseconds(std::min<std::int64_t>(seconds, 366LL * 86400) * 1000);
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const std::string text(value);
  const char* parsed = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (parsed == nullptr || *parsed != '\0') return std::nullopt;
  const auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  if (at <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
}

WebhookVerdict classify_webhook_response(const WebhookResponse& response,
                                         std::chrono::system_clock::time_point now) {
  WebhookVerdict verdict;
  if (!response.transport_error.empty()) {
    verdict.kind = WebhookVerdict::Kind::retry;
    verdict.endpoint_failed = true;
    verdict.error = response.transport_error;
    return verdict;
  }
  const auto status = response.status;
  if (status >= 200 && status < 300) return verdict;
  verdict.error = "HTTP " + std::to_string(status);
  if (status == 408 || status == 429 || status >= 500) {
    verdict.kind = WebhookVerdict::Kind::retry;
    verdict.endpoint_failed = true;
    if (response.retry_after && (status == 429 || status == 503)) {
      verdict.retry_after = parse_retry_after(*response.retry_after, now);
    }
    return verdict;
  }
  verdict.kind = WebhookVerdict::Kind::give_up;
  return verdict;
}

WebhookAttempt next_webhook_step(const WebhookOptions& options, const WebhookVerdict& verdict,
                                 int attempt, domain::TimePoint first_attempt_at,
                                 domain::TimePoint now, double unit_random) {
  WebhookAttempt step;
  step.error = verdict.error;
  switch (verdict.kind) {
    case WebhookVerdict::Kind::delivered:
      step.outcome = WebhookAttempt::Outcome::delivered;
      return step;
    case WebhookVerdict::Kind::give_up:
      step.outcome = WebhookAttempt::Outcome::failed;
      return step;
    case WebhookVerdict::Kind::retry:
      break;
  }
  auto delay = backoff_delay(options.backoff, attempt, unit_random);
  if (verdict.retry_after) delay = std::min(std::max(delay, *verdict.retry_after), options.max_retry_after);
  const auto deadline = first_attempt_at + options.max_age;
  if (now + delay > deadline) {
    step.outcome = WebhookAttempt::Outcome::failed;
    step.error = "gave up after " + std::to_string(attempt) + " attempts: " + verdict.error;
    return step;
  }
  step.outcome = WebhookAttempt::Outcome::retry;
  step.retry_in = delay;
  return step;
}

}  // namespace cc::services
