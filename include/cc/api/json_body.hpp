#pragma once
// Reading JSON request bodies and their fields, with errors that name the offending field.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"
#include "cc/net/http_types.hpp"

namespace cc::api {

// 415 unless Content-Type is application/json; 400 when it does not parse or is not an object.
Result<nlohmann::json> parse_json_object(const net::RequestContext& context);
Result<nlohmann::json> parse_json_object_text(std::string_view text);

Result<std::string> required_string(const nlohmann::json& body, const std::string& key,
                                    std::size_t max_bytes = 1024);
Result<std::optional<std::string>> optional_string(const nlohmann::json& body,
                                                   const std::string& key,
                                                   std::size_t max_bytes = 1024);
Result<std::optional<bool>> optional_bool(const nlohmann::json& body, const std::string& key);

// Keyset pagination parameters: ?cursor=...&limit=...
struct PageRequest {
  std::optional<domain::Id> after;
  int limit = 50;
};
Result<PageRequest> page_request(const net::RequestContext& context);
// A positive decimal id, as ids appear in paths and query strings.
std::optional<domain::Id> parse_id(std::string_view text);
// A path parameter that must be a positive id.
Result<domain::Id> path_id(const net::RequestContext& context, std::string_view name = "id");

nlohmann::json page_json(nlohmann::json items, const std::optional<std::string>& next_cursor);

}  // namespace cc::api
