#include "cc/channels/wechat/wechat_api.hpp"

#include <nlohmann/json.hpp>

namespace cc::channels::wechat {
namespace {

using nlohmann::json;
using services::SendOutcome;

constexpr int kSystemBusy = -1;
constexpr int kReplyWindowOver = 45015;   // the 48-hour customer-service window has passed
constexpr int kSendRefused = 45047;       // too many messages outside the window
constexpr int kMaxArticles = 8;

SendOutcome outcome(SendOutcome::Kind kind, std::string error, std::string reason = {}) {
  SendOutcome result;
  result.kind = kind;
  result.error = std::move(error);
  result.reason = std::move(reason);
  return result;
}

std::optional<std::chrono::milliseconds> retry_after_of(const net::ClientResponse& response) {
  const auto header = response.header("Retry-After");
  if (!header) return std::nullopt;
  try {
    const auto seconds = std::stol(*header);
    if (seconds >= 0 && seconds <= 3600) return std::chrono::milliseconds(seconds * 1000);
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace

std::optional<ApiError> api_error_of(const std::string& body) {
  const auto parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object()) return std::nullopt;
  const auto code = parsed.find("errcode");
  if (code == parsed.end() || !code->is_number_integer()) return std::nullopt;
  ApiError error;
  error.errcode = code->get<int>();
  if (const auto message = parsed.find("errmsg"); message != parsed.end() && message->is_string()) {
    error.errmsg = message->get<std::string>().substr(0, 300);
  }
  return error;
}

bool is_token_rejected(int errcode) { return errcode == 40001 || errcode == 40014 || errcode == 42001; }

Result<services::CachedAccessToken> parse_token_response(const net::ClientResponse& response,
                                                         domain::TimePoint now) {
  if (!response.transport_error.empty()) {
    return Error::unavailable("the WeChat token API is unreachable: " + response.transport_error);
  }
  if (response.status >= 500 || response.status == 429) {
    return Error::unavailable("the WeChat token API answered " + std::to_string(response.status));
  }
  if (auto error = api_error_of(response.body); error && error->errcode != 0) {
    if (error->errcode == kSystemBusy) return Error::unavailable("the WeChat token API is busy");
    return Error::unauthorized("the WeChat token API refused: " + std::to_string(error->errcode) +
                               " " + error->errmsg);
  }
  const auto parsed = json::parse(response.body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("access_token") || !parsed["access_token"].is_string() ||
      !parsed.contains("expires_in") || !parsed["expires_in"].is_number_integer()) {
    return Error::unavailable("the WeChat token API answered without access_token/expires_in");
  }
  const auto token = parsed["access_token"].get<std::string>();
  const auto expires_in = parsed["expires_in"].get<long long>();
  if (token.empty() || token.size() > 1024 || expires_in <= 0 || expires_in > 30 * 24 * 3600) {
    return Error::unavailable("the WeChat token API answered an unusable token");
  }
  return services::CachedAccessToken{token, now + std::chrono::seconds(expires_in)};
}

SendVerdict classify_send_response(const net::ClientResponse& response) {
  using Kind = SendOutcome::Kind;
  if (!response.transport_error.empty()) {
    return {outcome(Kind::retry, "WeChat unreachable: " + response.transport_error, "transport")};
  }
  if (response.status >= 500 || response.status == 429) {
    auto result = outcome(Kind::retry, "WeChat answered HTTP " + std::to_string(response.status), "provider_busy");
    result.retry_after = retry_after_of(response);
    return {std::move(result)};
  }
  const auto error = api_error_of(response.body);
  if (!error) {
    return {outcome(Kind::retry, "WeChat answered HTTP " + std::to_string(response.status) + " without errcode",
                    "bad_response")};
  }
  const auto detail = std::to_string(error->errcode) + " " + error->errmsg;
  if (error->errcode == 0) return {outcome(Kind::sent, {})};
  if (is_token_rejected(error->errcode)) return {outcome(Kind::retry, detail, "auth"), true};
  if (error->errcode == kSystemBusy) return {outcome(Kind::retry, detail, "provider_busy")};
  if (error->errcode == kReplyWindowOver || error->errcode == kSendRefused) {
    return {outcome(Kind::undeliverable, detail, "window_closed")};
  }
  return {outcome(Kind::failed, detail, "rejected")};
}

Result<std::string> custom_message_body(const std::string& openid, const domain::Message& message) {
  json body = {{"touser", openid}};
  json metadata = json::object();
  if (!message.metadata_json.empty()) {
    metadata = json::parse(message.metadata_json, nullptr, false);
    if (!metadata.is_object()) metadata = json::object();
  }
  const auto type = metadata.value("wechat_msgtype", std::string("text"));
  if (type == "image") {
    const auto media_id = metadata.value("media_id", std::string());
    if (media_id.empty()) return Error::invalid("an image message needs metadata.media_id");
    body["msgtype"] = "image";
    body["image"] = {{"media_id", media_id}};
  } else if (type == "news") {
    const auto articles = metadata.find("articles");
    if (articles == metadata.end() || !articles->is_array() || articles->empty() ||
        articles->size() > kMaxArticles) {
      return Error::invalid("a news message needs 1 to 8 metadata.articles");
    }
    json list = json::array();
    for (const auto& article : *articles) {
      if (!article.is_object()) return Error::invalid("each article must be an object");
      json item = json::object();
      for (const char* key : {"title", "description", "url", "picurl"}) {
        if (article.contains(key) && article[key].is_string()) item[key] = article[key];
      }
      list.push_back(std::move(item));
    }
    body["msgtype"] = "news";
    body["news"] = {{"articles", std::move(list)}};
  } else {
    if (message.content.empty()) return Error::invalid("a text message needs content");
    body["msgtype"] = "text";
    body["text"] = {{"content", message.content}};
  }
  // WeChat expects UTF-8 as is, not \u escapes (ensure_ascii false is nlohmann's default).
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace cc::channels::wechat
