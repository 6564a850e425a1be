#pragma once
// The pure rules of outbound webhooks: which events a subscription receives, what a receiver's
// answer means (delivered, retry later, give up), when to retry, and what is a valid
// subscription. No I/O; unit-tested without a clock.
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "cc/domain/circuit_breaker.hpp"
#include "cc/domain/error.hpp"
#include "cc/services/outbox_dispatcher.hpp"
#include "cc/services/ports/domain_event_sink.hpp"
#include "cc/services/ports/webhook_repository.hpp"
#include "cc/services/ports/webhook_transport.hpp"

namespace cc::services {

struct WebhookOptions {
  int batch = 50;
  std::chrono::seconds lease{20};  // longer than timeout: a live attempt is never re-claimed
  std::chrono::milliseconds poll{1000};
  std::chrono::milliseconds timeout{10000};
  std::chrono::hours max_age{24};  // retry budget, counted from the first attempt
  OutboxOptions backoff{.base_backoff = std::chrono::milliseconds(1000),
                        .max_backoff = std::chrono::milliseconds(3600000)};
  std::chrono::milliseconds max_retry_after{3600000};
  domain::CircuitOptions circuit{.failure_ratio = 0.5, .min_calls = 10};
};

// The event types a subscription may name ("*" = all).
const std::vector<std::string>& webhook_event_types();

// Subscription input checks; nullopt when acceptable. The field names the JSON path.
std::optional<Error> validate_webhook_url(std::string_view url);
std::optional<Error> validate_webhook_events(const std::vector<std::string>& events);
std::optional<Error> validate_webhook_filters(const WebhookFilters& filters);

// True when the subscription names the event's type (or "*") and every filter matches the
// event's data: channel and queue against data.channel / data.queue (or the same under
// data.conversation), tag against data.tags (or data.conversation.tags). An event that lacks
// a filtered attribute does not match.
bool webhook_matches(const WebhookSubscription& subscription, const DomainEvent& event);

// The body sent for an event: {"type","timestamp","data"}.
std::string webhook_payload(const DomainEvent& event, domain::TimePoint at);

// Retry-After as delta-seconds or an HTTP-date, as a wait from `now`; nullopt when absent or bad.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

struct WebhookVerdict {
  enum class Kind { delivered, retry, give_up };
  Kind kind = Kind::delivered;
  bool endpoint_failed = false;  // counts against the endpoint's circuit (timeouts, 429, 5xx)
  std::optional<std::chrono::milliseconds> retry_after;
  std::string error;
};
// 2xx delivered; transport errors, 408, 429 and 5xx retry (honouring Retry-After); other
// statuses (3xx, 4xx) give up at once.
WebhookVerdict classify_webhook_response(const WebhookResponse& response,
                                         std::chrono::system_clock::time_point now);

// What to record for an attempt with this verdict: retries become failures once the retry
// budget (max_age from the first attempt) would be exceeded.
WebhookAttempt next_webhook_step(const WebhookOptions& options, const WebhookVerdict& verdict,
                                 int attempt, domain::TimePoint first_attempt_at,
                                 domain::TimePoint now, double unit_random);

}  // namespace cc::services
