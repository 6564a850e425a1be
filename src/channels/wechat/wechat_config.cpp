#include "cc/channels/wechat/wechat_config.hpp"

#include <algorithm>

#include "cc/channels/wechat/wechat_crypto.hpp"

namespace cc::channels::wechat {
namespace {

bool is_alnum(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

// A string member, or an error naming it; `required` false accepts a missing member.
Result<std::string> member(const nlohmann::json& config, const char* name, bool required) {
  const auto it = config.find(name);
  const std::string path = std::string("/config/") + name;
  if (it == config.end() || it->is_null()) {
    if (required) return Error::invalid(std::string(name) + " is required", path);
    return std::string();
  }
  if (!it->is_string()) return Error::invalid(std::string(name) + " must be a string", path);
  auto value = it->get<std::string>();
  if (value.size() > 512) return Error::invalid(std::string(name) + " is too long", path);
  return value;
}

bool is_http_url(std::string_view url) {
  const bool scheme = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  const auto host_start = url.find("://");
  return scheme && host_start != std::string_view::npos && url.size() > host_start + 3 &&
         url.find_first_of(" \t\r\n?#") == std::string_view::npos;
}

}  // namespace

Result<WechatConfig> parse_wechat_config(const nlohmann::json& config) {
  if (!config.is_object()) return Error::invalid("config must be an object", "/config");
  WechatConfig parsed;
  auto app_id = member(config, "app_id", true);
  if (!app_id) return app_id.error();
  if (app_id->empty() || app_id->size() > 64 || !is_alnum(*app_id)) {
    return Error::invalid("app_id must be 1 to 64 letters and digits", "/config/app_id");
  }
  auto app_secret = member(config, "app_secret", true);
  if (!app_secret) return app_secret.error();
  if (app_secret->empty()) return Error::invalid("app_secret is required", "/config/app_secret");
  auto token = member(config, "token", true);
  if (!token) return token.error();
  // The platform's own rule for the server token: 3 to 32 letters and digits.
  if (token->size() < 3 || token->size() > 32 || !is_alnum(*token)) {
    return Error::invalid("token must be 3 to 32 letters and digits", "/config/token");
  }
  auto encoding_aes_key = member(config, "encoding_aes_key", false);
  if (!encoding_aes_key) return encoding_aes_key.error();
  if (!encoding_aes_key->empty()) {
    auto key = aes_key_from_encoding_key(*encoding_aes_key);
    if (!key) return key.error();
    parsed.aes_key = std::move(*key);
  }
  auto base = member(config, "api_base_url", false);
  if (!base) return base.error();
  if (!base->empty()) {
    if (!is_http_url(*base)) {
      return Error::invalid("api_base_url must be an http(s) URL", "/config/api_base_url");
    }
    while (!base->empty() && base->back() == '/') base->pop_back();
    parsed.api_base_url = std::move(*base);
  }
  parsed.app_id = std::move(*app_id);
  parsed.app_secret = std::move(*app_secret);
  parsed.token = std::move(*token);
  parsed.encoding_aes_key = std::move(*encoding_aes_key);
  return parsed;
}

Result<WechatConfig> parse_wechat_config_text(const std::string& config_json) {
  const auto config = nlohmann::json::parse(config_json, nullptr, false);
  if (config.is_discarded()) return Error::invalid("the account's config is not JSON", "/config");
  return parse_wechat_config(config);
}

std::optional<Error> validate_wechat_config(const nlohmann::json& config) {
  auto parsed = parse_wechat_config(config);
  if (!parsed) return parsed.error();
  return std::nullopt;
}

}  // namespace cc::channels::wechat
