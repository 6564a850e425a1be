#include "cc/channels/sms/twilio_api.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cc/crypto/encoding.hpp"

namespace cc::channels::sms {
namespace {

using services::ReconcileOutcome;
using services::SendOutcome;
namespace http = boost::beast::http;

constexpr auto kMaxRetryAfter = std::chrono::hours(1);

std::string messages_url(const SmsConfig& config) {
  return config.api_base_url + "/2010-04-01/Accounts/" + net::percent_encode(config.account_sid) +
         "/Messages.json";
}

std::vector<std::pair<std::string, std::string>> api_headers(const SmsConfig& config) {
  return {{"Authorization", basic_auth(config.account_sid, config.auth_token)},
          {"Accept", "application/json"}};
}

std::optional<std::chrono::milliseconds> retry_after_of(const net::ClientResponse& response) {
  const auto header = response.header("Retry-After");
  if (!header) return std::nullopt;
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(header->data(), header->data() + header->size(), seconds);
  if (ec != std::errc{} || end != header->data() + header->size() || seconds < 0)
    return std::nullopt;
  const auto wait = std::chrono::seconds(
      std::min<long long>(seconds, std::chrono::seconds(kMaxRetryAfter).count()));
  return std::chrono::duration_cast<std::chrono::milliseconds>(wait);
}

// Twilio's error body: {"code": 21610, "message": "...", "more_info": "...", "status": 400}.
std::pair<int, std::string> error_of(const net::ClientResponse& response) {
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  int code = 0;
  std::string message;
  if (body.is_object()) {
    if (const auto it = body.find("code"); it != body.end() && it->is_number_integer())
      code = it->get<int>();
    if (const auto it = body.find("message"); it != body.end() && it->is_string())
      message = it->get<std::string>();
  }
  if (message.empty()) message = "HTTP " + std::to_string(response.status);
  if (message.size() > 500) message.resize(500);
  return {code, message};
}

SendOutcome outcome(SendOutcome::Kind kind, std::string error, std::string reason) {
  SendOutcome result;
  result.kind = kind;
  result.error = std::move(error);
  result.reason = std::move(reason);
  return result;
}

std::string string_of(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int month_number(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == name) return static_cast<int>(i) + 1;
  }
  return 0;
}

}  // namespace

std::string basic_auth(const std::string& user, const std::string& password) {
  return "Basic " + crypto::base64_encode(user + ":" + password);
}

std::string status_callback_url(const SmsConfig& config, domain::Id channel_account_id) {
  return config.public_base_url + "/webhooks/sms/" + std::to_string(channel_account_id) + "/status";
}

net::ClientRequest send_request(const SmsConfig& config, domain::Id channel_account_id,
                                const std::string& to, const std::string& body) {
  net::ClientRequest request;
  request.method = http::verb::post;
  request.url = messages_url(config);
  request.headers = api_headers(config);
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.body =
      net::form_encode({{"To", to},
                        {"From", config.from_number},
                        {"Body", body},
                        {"StatusCallback", status_callback_url(config, channel_account_id)}});
  request.max_response_bytes = 256 * 1024;
  return request;
}

net::ClientRequest list_request(const SmsConfig& config, const std::string& to,
                                domain::TimePoint since) {
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(since)};
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  net::ClientRequest request;
  request.method = http::verb::get;
  request.url =
      messages_url(config) + "?" +
      net::form_encode(
          {{"To", to}, {"From", config.from_number}, {"DateSent>", date}, {"PageSize", "100"}});
  request.headers = api_headers(config);
  request.max_response_bytes = 4 * 1024 * 1024;
  return request;
}

SendOutcome interpret_send_response(const net::ClientResponse& response) {
  if (!response.transport_error.empty()) {
    return outcome(SendOutcome::Kind::retry,
                   "the SMS provider did not answer: " + response.transport_error, "transport");
  }
  if (response.status == 200 || response.status == 201) {
    SendOutcome sent;
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_object()) {
      if (const auto it = body.find("sid"); it != body.end() && it->is_string())
        sent.provider_message_id = it->get<std::string>();
    }
    return sent;
  }
  const auto [code, message] = error_of(response);
  if (response.status == 429 || response.status >= 500) {
    auto retry = outcome(SendOutcome::Kind::retry, message,
                         response.status == 429 ? "rate_limited" : "provider_unavailable");
    retry.retry_after = retry_after_of(response);
    return retry;
  }
  if (code == kTwilioUnsubscribedRecipient) {
    return outcome(SendOutcome::Kind::undeliverable, message, "opted_out");
  }
  if (response.status == 401 || response.status == 403) {
    return outcome(SendOutcome::Kind::failed, message, "auth");
  }
  return outcome(SendOutcome::Kind::failed, message,
                 code ? "provider_error_" + std::to_string(code) : "rejected");
}

std::optional<domain::TimePoint> parse_rfc2822(const std::string& text) {
  char weekday[4] = {};
  char month[4] = {};
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  char sign = '+';
  int offset = 0;
  if (std::sscanf(text.c_str(), "%3s, %d %3s %d %d:%d:%d %c%4d", weekday, &day, month, &year, &hour,
                  &minute, &second, &sign, &offset) != 9) {
    return std::nullopt;
  }
  const int month_index = month_number(month);
  if (month_index == 0 || year < 1970 || year > 2200 || hour > 23 || minute > 59 || second > 60 ||
      hour < 0 || minute < 0 || second < 0 || offset < 0 || offset > 2359 ||
      (sign != '+' && sign != '-')) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month_index)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  auto time = std::chrono::sys_days(date) + std::chrono::hours(hour) +
              std::chrono::minutes(minute) + std::chrono::seconds(second);
  const auto shift = std::chrono::hours(offset / 100) + std::chrono::minutes(offset % 100);
  time = sign == '+' ? time - shift : time + shift;
  return std::chrono::time_point_cast<domain::TimePoint::duration>(time);
}

ReconcileOutcome interpret_list_response(const net::ClientResponse& response,
                                         const std::string& body, domain::TimePoint created_at) {
  ReconcileOutcome result;  // unknown
  if (!response.ok()) return result;
  const auto list = nlohmann::json::parse(response.body, nullptr, false);
  if (!list.is_object() || !list.contains("messages") || !list["messages"].is_array())
    return result;
  const auto not_before = std::chrono::floor<std::chrono::seconds>(created_at);
  for (const auto& message : list["messages"]) {
    if (!message.is_object()) continue;
    const auto text = string_of(message, "body");
    const auto sid = string_of(message, "sid");
    const auto created = parse_rfc2822(string_of(message, "date_created"));
    if (text == body && !sid.empty() && created && *created >= not_before) {
      result.kind = ReconcileOutcome::Kind::delivered;
      result.provider_message_id = sid;
      return result;
    }
  }
  // Only a complete list proves absence; a further page might hold the message.
  const auto next = list.find("next_page_uri");
  if (next == list.end() || next->is_null()) result.kind = ReconcileOutcome::Kind::absent;
  return result;
}

}  // namespace cc::channels::sms
