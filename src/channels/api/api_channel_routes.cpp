#include "cc/channels/api/api_channel_routes.hpp"

#include <algorithm>
#include <cctype>

#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"
#include "cc/domain/identifiers.hpp"
#include "cc/domain/text_limits.hpp"
#include "cc/problem/problem.hpp"
#include "cc/services/webhook_policy.hpp"
#include "cc/services/webhook_signing.hpp"

namespace cc::channels::api {
namespace {

using boost::asio::awaitable;
using net::http::status;

constexpr std::size_t kMaxIdentifiers = 10;
constexpr std::size_t kMaxMetadataBytes = 8 * 1024;

std::string_view bearer(const net::RequestContext& context) {
  const auto header = context.header("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (!header || header->size() <= kScheme.size() || header->substr(0, kScheme.size()) != kScheme) {
    return {};
  }
  return header->substr(kScheme.size());
}

Result<domain::Id> account_id_of(const net::RequestContext& context) {
  const auto text = context.param("channel_account_id");
  domain::Id id = 0;
  if (text.empty() || text.size() > 18) return Error::not_found("no such channel account");
  for (const char c : text) {
    if (c < '0' || c > '9') return Error::not_found("no such channel account");
    id = id * 10 + (c - '0');
  }
  if (id <= 0) return Error::not_found("no such channel account");
  return id;
}

// The account named by the path, if the bearer key is its key.
awaitable<Result<domain::ChannelAccount>> authenticate_app(ApiChannelContext& channel,
                                                           const net::RequestContext& context) {
  auto id = account_id_of(context);
  if (!id) co_return id.error();
  const auto key = bearer(context);
  if (key.empty()) co_return Error::unauthorized("send Authorization: Bearer <channel api key>");
  auto account = co_await channel.accounts.get(*id);
  if (!account) co_return account.error();
  if (account->channel != domain::Channel::api) co_return Error::not_found("no such API channel account");
  const auto config = nlohmann::json::parse(account->config_json, nullptr, false);
  if (!api_key_matches(config, key)) co_return Error::unauthorized("wrong channel api key");
  if (!account->active) co_return Error::forbidden("the channel account is disabled");
  co_return account;
}

Result<nlohmann::json> json_body(const net::RequestContext& context) {
  const auto type = context.header("Content-Type");
  if (!type || type->substr(0, 16) != "application/json") {
    return Error{ErrorCode::unsupported_media, "send Content-Type: application/json", {}};
  }
  auto body = nlohmann::json::parse(context.request.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Error{ErrorCode::malformed, "the body must be a JSON object", {}};
  }
  return body;
}

Result<std::string> text_field(const nlohmann::json& body, const char* key, std::size_t max,
                               bool required) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (required) return Error::invalid(std::string(key) + " is required", std::string("/") + key);
    return std::string();
  }
  if (!it->is_string()) return Error::invalid(std::string(key) + " must be a string", std::string("/") + key);
  const auto& text = it->get_ref<const std::string&>();
  if (text.size() > max || !domain::is_valid_utf8(text) || (required && text.empty())) {
    return Error::invalid(std::string(key) + " must be 1 to " + std::to_string(max) + " bytes of UTF-8",
                          std::string("/") + key);
  }
  return text;
}

Result<std::vector<domain::Identifier>> identifiers_of(const nlohmann::json& body) {
  const auto it = body.find("identifiers");
  if (it == body.end() || !it->is_array() || it->empty() || it->size() > kMaxIdentifiers) {
    return Error::invalid("identifiers must be an array of 1 to 10 {type, value}", "/identifiers");
  }
  std::vector<domain::Identifier> identifiers;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& item = (*it)[i];
    const auto path = "/identifiers/" + std::to_string(i);
    if (!item.is_object() || !item.contains("type") || !item.contains("value") ||
        !item["type"].is_string() || !item["value"].is_string()) {
      return Error::invalid("each identifier is {type, value} with string members", path);
    }
    const auto& type = item["type"].get_ref<const std::string&>();
    const bool type_ok = !type.empty() && type.size() <= 32 &&
                         std::all_of(type.begin(), type.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                         });
    if (!type_ok) return Error::invalid("type must be 1 to 32 of a-z, 0-9, _", path + "/type");
    const auto& raw = item["value"].get_ref<const std::string&>();
    auto value = raw.size() <= 256 ? domain::normalize_identifier(type, raw) : std::nullopt;
    if (!value) return Error::invalid("value does not fit its type", path + "/value");
    identifiers.push_back(domain::Identifier{type, *value, false});
  }
  return identifiers;
}

Result<domain::InboundMessage> inbound_of(const domain::ChannelAccount& account,
                                          const nlohmann::json& body) {
  auto message_id = text_field(body, "message_id", domain::kMaxClientIdBytes, true);
  if (!message_id) return message_id.error();
  auto identifiers = identifiers_of(body);
  if (!identifiers) return identifiers.error();
  auto content = text_field(body, "content", domain::kMaxMessageBytes, true);
  if (!content) return content.error();
  auto name = text_field(body, "name", domain::kMaxNameBytes, false);
  if (!name) return name.error();
  domain::InboundMessage message;
  if (const auto metadata = body.find("metadata"); metadata != body.end() && !metadata->is_null()) {
    if (!metadata->is_object()) return Error::invalid("metadata must be an object", "/metadata");
    message.metadata_json = metadata->dump();
    if (message.metadata_json.size() > kMaxMetadataBytes) {
      return Error::invalid("metadata is larger than 8 KiB", "/metadata");
    }
  }
  message.channel_account_id = account.id;
  message.channel = domain::Channel::api;
  message.provider_message_id = std::move(*message_id);
  message.reply_address = identifiers->front().type + ":" + identifiers->front().value;
  message.identifiers = std::move(*identifiers);
  message.content = std::move(*content);
  if (!name->empty()) message.display_name = std::move(*name);
  message.provider_time = std::chrono::system_clock::now();
  return message;
}

awaitable<net::Response> post_message(ApiChannelContext& channel, net::RequestContext& context) {
  auto account = co_await authenticate_app(channel, context);
  if (!account) co_return problem::problem_response(context.request, account.error());
  auto body = json_body(context);
  if (!body) co_return problem::problem_response(context.request, body.error());
  auto message = inbound_of(*account, *body);
  if (!message) co_return problem::problem_response(context.request, message.error());
  // Returns after COMMIT: only then is the app told the message is ours.
  auto stored = co_await channel.ingest.ingest(std::move(*message));
  if (!stored) co_return problem::problem_response(context.request, stored.error());
  nlohmann::json answer{{"id", std::to_string(stored->message.id)},
                        {"conversation_id", std::to_string(stored->conversation.id)},
                        {"duplicate", stored->duplicate}};
  co_return problem::json_response(context.request, stored->duplicate ? status::ok : status::created,
                                   answer);
}

awaitable<net::Response> post_status(ApiChannelContext& channel, net::RequestContext& context) {
  auto account = co_await authenticate_app(channel, context);
  if (!account) co_return problem::problem_response(context.request, account.error());
  const std::string provider_id(context.param("provider_message_id"));
  if (provider_id.empty() || provider_id.size() > 200) {
    co_return problem::problem_response(context.request, Error::not_found("no such message"));
  }
  auto body = json_body(context);
  if (!body) co_return problem::problem_response(context.request, body.error());
  auto status_text = text_field(*body, "status", 32, true);
  if (!status_text) co_return problem::problem_response(context.request, status_text.error());
  auto error = text_field(*body, "error", 500, false);
  if (!error) co_return problem::problem_response(context.request, error.error());
  auto recorded = co_await channel.reports.record(account->id, provider_id, *status_text, *error);
  if (!recorded) co_return problem::problem_response(context.request, recorded.error());
  nlohmann::json answer{{"provider_message_id", provider_id}, {"status", *status_text}};
  co_return problem::json_response(context.request, status::ok, answer);
}

}  // namespace

bool api_key_matches(const nlohmann::json& config, std::string_view key) {
  if (!config.is_object() || !config.contains("api_key_sha256") ||
      !config["api_key_sha256"].is_string()) {
    return false;
  }
  const auto digest = crypto::to_hex(crypto::sha256(key));
  return crypto::constant_time_equal(digest, config["api_key_sha256"].get_ref<const std::string&>());
}

std::optional<Error> validate_api_channel_config(const nlohmann::json& config) {
  if (!config.contains("callback_url") || !config["callback_url"].is_string()) {
    return Error::invalid("callback_url is required (http:// or https://)", "/config/callback_url");
  }
  if (auto error = services::validate_webhook_url(config["callback_url"].get<std::string>())) {
    return Error::invalid(error->detail, "/config/callback_url");
  }
  if (config.contains("api_key")) {
    return Error::invalid("the key is not stored: create one with POST "
                          "/api/v1/channel-accounts/{id}/api-credentials", "/config/api_key");
  }
  if (config.contains("api_key_sha256")) {
    const auto& hash = config["api_key_sha256"];
    if (!hash.is_string() || hash.get_ref<const std::string&>().size() != 64 ||
        !crypto::from_hex(hash.get_ref<const std::string&>())) {
      return Error::invalid("api_key_sha256 must be 64 hex digits", "/config/api_key_sha256");
    }
  }
  if (config.contains("webhook_secret")) {
    const auto& secret = config["webhook_secret"];
    if (!secret.is_string() || !services::webhook_secret_bytes(secret.get_ref<const std::string&>())) {
      return Error::invalid("webhook_secret must be whsec_ and base64 of 16 to 64 bytes",
                            "/config/webhook_secret");
    }
  }
  return std::nullopt;
}

void add_api_channel_routes(net::Router& router, ApiChannelContext& channel) {
  using net::http::verb;
  router.add(verb::post, "/api/v1/channels/api/{channel_account_id}/messages",
             [c = &channel](auto& context) { return post_message(*c, context); });
  router.add(verb::post,
             "/api/v1/channels/api/{channel_account_id}/messages/{provider_message_id}/status",
             [c = &channel](auto& context) { return post_status(*c, context); });
}

}  // namespace cc::channels::api
