#pragma once
// A WeChat channel account's config: {app_id, app_secret, token, encoding_aes_key,
// api_base_url}. The validator is registered with ChannelAccountService at wiring time. Pure.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cc/domain/error.hpp"

namespace cc::channels::wechat {

inline constexpr const char* kDefaultApiBaseUrl = "https://api.weixin.qq.com";

struct WechatConfig {
  std::string app_id;
  std::string app_secret;
  std::string token;             // signs the platform's requests
  std::string encoding_aes_key;  // 43 characters; empty when the account uses plaintext mode
  std::string aes_key;           // the 32 bytes it decodes to ("" without one)
  std::string api_base_url = kDefaultApiBaseUrl;  // no trailing slash
};

// nullopt when the config is acceptable; otherwise the first problem, with its field path.
std::optional<Error> validate_wechat_config(const nlohmann::json& config);
Result<WechatConfig> parse_wechat_config(const nlohmann::json& config);
Result<WechatConfig> parse_wechat_config_text(const std::string& config_json);

}  // namespace cc::channels::wechat
