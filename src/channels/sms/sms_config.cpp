#include "cc/channels/sms/sms_config.hpp"

namespace cc::channels::sms {
namespace {

using nlohmann::json;

std::optional<Error> string_field(const json& config, const char* key, bool required,
                                  std::size_t max_bytes) {
  const auto it = config.find(key);
  const std::string pointer = std::string("/config/") + key;
  if (it == config.end() || it->is_null()) {
    if (required) return Error::invalid(std::string(key) + " is required", pointer);
    return std::nullopt;
  }
  if (!it->is_string()) return Error::invalid(std::string(key) + " must be a string", pointer);
  const auto& text = it->get_ref<const std::string&>();
  if (required && text.empty())
    return Error::invalid(std::string(key) + " must not be empty", pointer);
  if (text.size() > max_bytes) {
    return Error::invalid(std::string(key) + " exceeds " + std::to_string(max_bytes) + " bytes",
                          pointer);
  }
  return std::nullopt;
}

// http:// or https://, a host, no query or fragment (paths are appended to it).
bool is_base_url(std::string_view text) {
  std::string_view rest;
  if (text.starts_with("https://"))
    rest = text.substr(8);
  else if (text.starts_with("http://"))
    rest = text.substr(7);
  else
    return false;
  if (rest.empty() || rest.front() == '/' || rest.front() == ':') return false;
  for (const char c : rest) {
    if (c == '?' || c == '#' || c == '@' || static_cast<unsigned char>(c) <= 0x20 || c == 0x7F)
      return false;
  }
  return true;
}

std::optional<Error> url_field(const json& config, const char* key) {
  const auto it = config.find(key);
  if (it == config.end() || !it->is_string()) return std::nullopt;
  const auto& text = it->get_ref<const std::string&>();
  if (!is_base_url(text)) {
    return Error::invalid(
        std::string(key) +
            " must be an http:// or https:// base URL without query, fragment or credentials",
        std::string("/config/") + key);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Error> validate_sms_config(const json& config) {
  if (!config.is_object()) return Error::invalid("config must be an object", "/config");
  for (const auto* key : {"account_sid", "auth_token", "from_number", "public_base_url"}) {
    if (auto error = string_field(config, key, true, 512)) return error;
  }
  if (auto error = string_field(config, "api_base_url", false, 512)) return error;
  if (auto error = string_field(config, "help_text", false, 1600)) return error;
  if (auto error = string_field(config, "default_country_code", false, 4)) return error;
  if (auto error = url_field(config, "public_base_url")) return error;
  if (auto error = url_field(config, "api_base_url")) return error;
  const auto& from = config["from_number"].get_ref<const std::string&>();
  if (from.front() != '+' && from.find_first_not_of("0123456789") != std::string::npos) {
    return Error::invalid("from_number must be an E.164 number (+ and digits) or a short code",
                          "/config/from_number");
  }
  if (const auto cc = config.find("default_country_code"); cc != config.end() && cc->is_string()) {
    const auto& text = cc->get_ref<const std::string&>();
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
        text.size() > 3) {
      return Error::invalid("default_country_code must be 1 to 3 digits, e.g. \"86\"",
                            "/config/default_country_code");
    }
  }
  return std::nullopt;
}

Result<SmsConfig> parse_sms_config(std::string_view config_json) {
  const auto config = json::parse(config_json, nullptr, false);
  if (config.is_discarded()) return Error::invalid("the SMS account's config is not JSON");
  if (auto error = validate_sms_config(config)) return *error;
  SmsConfig parsed;
  parsed.account_sid = config["account_sid"].get<std::string>();
  parsed.auth_token = config["auth_token"].get<std::string>();
  parsed.from_number = config["from_number"].get<std::string>();
  parsed.public_base_url = config["public_base_url"].get<std::string>();
  if (const auto it = config.find("api_base_url");
      it != config.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
    parsed.api_base_url = it->get<std::string>();
  }
  while (!parsed.api_base_url.empty() && parsed.api_base_url.back() == '/')
    parsed.api_base_url.pop_back();
  while (!parsed.public_base_url.empty() && parsed.public_base_url.back() == '/')
    parsed.public_base_url.pop_back();
  if (const auto it = config.find("help_text");
      it != config.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
    parsed.help_text = it->get<std::string>();
  }
  if (const auto it = config.find("default_country_code"); it != config.end() && it->is_string()) {
    parsed.default_country_code = it->get<std::string>();
  }
  return parsed;
}

}  // namespace cc::channels::sms
