#include "cc/api/json_body.hpp"

#include <charconv>

#include "cc/domain/cursor.hpp"
#include "cc/domain/text_limits.hpp"

namespace cc::api {

Result<nlohmann::json> parse_json_object_text(std::string_view text) {
  auto body = nlohmann::json::parse(text, nullptr, false);
  if (body.is_discarded()) return Error{ErrorCode::malformed, "the body is not valid JSON", {}};
  if (!body.is_object()) return Error{ErrorCode::malformed, "the body must be a JSON object", {}};
  return body;
}

Result<nlohmann::json> parse_json_object(const net::RequestContext& context) {
  const auto type = context.header("Content-Type").value_or("");
  const auto media = type.substr(0, type.find(';'));
  if (media != "application/json") {
    return Error{ErrorCode::unsupported_media, "send the body as application/json", {}};
  }
  return parse_json_object_text(context.request.body());
}

Result<std::string> required_string(const nlohmann::json& body, const std::string& key,
                                    std::size_t max_bytes) {
  auto value = optional_string(body, key, max_bytes);
  if (!value) return value.error();
  if (!*value) return Error::invalid(key + " is required", "/" + key);
  return std::move(**value);
}

Result<std::optional<std::string>> optional_string(const nlohmann::json& body,
                                                   const std::string& key, std::size_t max_bytes) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) return Error::invalid(key + " must be a string", "/" + key);
  const auto& text = it->get_ref<const std::string&>();
  if (text.size() > max_bytes) {
    return Error::invalid(key + " is longer than " + std::to_string(max_bytes) + " bytes", "/" + key);
  }
  if (!domain::is_valid_utf8(text)) return Error::invalid(key + " must be UTF-8", "/" + key);
  return std::optional<std::string>(text);
}

Result<std::optional<bool>> optional_bool(const nlohmann::json& body, const std::string& key) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<bool>{};
  if (!it->is_boolean()) return Error::invalid(key + " must be true or false", "/" + key);
  return std::optional<bool>(it->get<bool>());
}

Result<PageRequest> page_request(const net::RequestContext& context) {
  PageRequest page;
  if (auto cursor = context.query("cursor"); cursor && !cursor->empty()) {
    page.after = domain::decode_cursor(*cursor);
    if (!page.after) return Error::invalid("cursor is not one this server issued", "cursor");
  }
  if (auto limit = context.query("limit")) {
    int value = 0;
    const auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (ec != std::errc{} || end != limit->data() + limit->size() || value < 1) {
      return Error::invalid("limit must be a positive integer", "limit");
    }
    page.limit = domain::clamp_page_size(value);
  }
  return page;
}

std::optional<domain::Id> parse_id(std::string_view text) {
  domain::Id id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

Result<domain::Id> path_id(const net::RequestContext& context, std::string_view name) {
  const auto id = parse_id(context.param(name));
  if (!id) return Error::not_found("no such resource");
  return *id;
}

nlohmann::json page_json(nlohmann::json items, const std::optional<std::string>& next_cursor) {
  return {{"items", std::move(items)},
          {"next_cursor", next_cursor ? nlohmann::json(*next_cursor) : nlohmann::json(nullptr)}};
}

}  // namespace cc::api
