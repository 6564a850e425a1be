#include "cc/channels/wechat/wechat_media.hpp"

#include <algorithm>

#include "cc/async/log.hpp"
#include "cc/channels/wechat/wechat_api.hpp"
#include "cc/problem/problem.hpp"

namespace cc::channels::wechat {
namespace {

using boost::asio::awaitable;
namespace http = net::http;

constexpr int kInvalidMediaId = 40007;

bool is_media_id(std::string_view text) {
  return !text.empty() && text.size() <= 128 && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string_view bearer(const net::RequestContext& context) {
  const auto header = context.header("Authorization").value_or("");
  return header.substr(0, 7) == "Bearer " ? header.substr(7) : std::string_view{};
}

// Only media types a browser shows inertly are passed through; anything else is a download.
std::string safe_content_type(const net::ClientResponse& response) {
  const auto type = response.header("Content-Type").value_or("application/octet-stream");
  const auto bare = type.substr(0, type.find(';'));
  for (const char* prefix : {"image/", "audio/", "video/"}) {
    if (bare.rfind(prefix, 0) == 0 && bare.find_first_of(" \r\n\"") == std::string::npos &&
        bare != "image/svg+xml") {
      return bare;
    }
  }
  return "application/octet-stream";
}

awaitable<net::ClientResponse> get_media(net::HttpClient& http, const WechatConfig& config,
                                         const std::string& token, const std::string& media_id) {
  net::ClientRequest request;
  request.url = config.api_base_url + "/cgi-bin/media/get?" +
                net::form_encode({{"access_token", token}, {"media_id", media_id}});
  request.timeout = std::chrono::seconds(20);
  request.max_response_bytes = kMaxMediaBytes;
  co_return co_await http.send(std::move(request));
}

// A JSON body is the platform's error answer; media never comes as JSON.
std::optional<ApiError> media_error(const net::ClientResponse& response) {
  const auto type = response.header("Content-Type").value_or("");
  if (type.find("json") == std::string::npos && type.find("text/plain") == std::string::npos) return std::nullopt;
  return api_error_of(response.body);
}

}  // namespace

awaitable<net::Response> fetch_media(WechatContext& wechat, net::RequestContext& context) {
  const auto& request = context.request;
  const auto token_text = bearer(context);
  if (token_text.empty()) {
    co_return problem::problem_response(request, Error::unauthorized("send Authorization: Bearer <token>"));
  }
  auto principal = co_await wechat.auth.authenticate(token_text);
  if (!principal) co_return problem::problem_response(request, principal.error());
  auto account = co_await wechat_account(wechat, context.param("channel_account_id"));
  if (!account) co_return problem::problem_response(request, account.error());
  const auto media_id = std::string(context.param("media_id"));
  if (!is_media_id(media_id)) {
    co_return problem::problem_response(request, Error::invalid("media_id is not a WeChat media id", "media_id"));
  }
  auto token = co_await wechat.tokens.token(account->config);
  if (!token) co_return problem::problem_response(request, Error::unavailable(token.error().detail));
  auto response = co_await get_media(wechat.http, account->config, *token, media_id);
  if (auto error = media_error(response); error && is_token_rejected(error->errcode)) {
    auto fresh = co_await wechat.tokens.refresh(account->config, *token);
    if (!fresh) co_return problem::problem_response(request, Error::unavailable(fresh.error().detail));
    response = co_await get_media(wechat.http, account->config, *fresh, media_id);
  }
  const auto log = async::module_logger("wechat");
  if (!response.transport_error.empty()) {
    log->warn("[{}] account {}: media fetch failed: {}", context.request_id, account->id, response.transport_error);
    if (response.transport_error.find("body limit") != std::string::npos) {
      co_return problem::problem_response(request, Error{ErrorCode::too_large, "the media is larger than 10 MiB", {}});
    }
    co_return problem::problem_response(request, Error::unavailable("the WeChat media API is unreachable"));
  }
  if (auto error = media_error(response)) {
    if (error->errcode == kInvalidMediaId) {
      co_return problem::problem_response(request, Error::not_found("WeChat has no such media (or it expired)"));
    }
    co_return problem::problem_response(
        request, Error::unavailable("the WeChat media API refused: " + std::to_string(error->errcode)));
  }
  if (response.status < 200 || response.status >= 300) {
    co_return problem::problem_response(
        request, Error::unavailable("the WeChat media API answered " + std::to_string(response.status)));
  }
  auto reply = net::make_response(request, http::status::ok, std::move(response.body), safe_content_type(response));
  reply.set("X-Content-Type-Options", "nosniff");
  reply.set(http::field::cache_control, "private, max-age=3600");
  reply.set(http::field::content_disposition, "inline; filename=\"" + media_id + "\"");
  co_return reply;
}

}  // namespace cc::channels::wechat
