// Validation of ticket fields arriving as JSON (REST bodies, bulk changes) and of CSAT answers.
#include <cctype>

#include "cc/domain/text_limits.hpp"
#include "cc/services/ticket_service.hpp"

namespace cc::services {
namespace {

using nlohmann::json;

Result<std::string> text_field(const json& body, const char* key, std::size_t max_bytes, bool allow_empty) {
  const auto& value = body.at(key);
  if (!value.is_string()) return Error::invalid(std::string(key) + " must be a string", key);
  auto text = value.get<std::string>();
  if (text.size() > max_bytes) {
    return Error::invalid(std::string(key) + " is longer than " + std::to_string(max_bytes) + " bytes", key);
  }
  if (!allow_empty && text.empty()) return Error::invalid(std::string(key) + " must not be empty", key);
  if (!domain::is_valid_utf8(text)) return Error::invalid(std::string(key) + " must be UTF-8", key);
  return text;
}

// An id as a string or a number; null clears.
Result<std::optional<domain::Id>> id_field(const json& body, const char* key) {
  const auto& value = body.at(key);
  if (value.is_null()) return std::optional<domain::Id>{};
  if (value.is_number_integer() && value.get<std::int64_t>() > 0) {
    return std::optional<domain::Id>(value.get<std::int64_t>());
  }
  if (value.is_string()) {
    const auto text = value.get<std::string>();
    if (!text.empty() && text.size() <= 19 &&
        text.find_first_not_of("0123456789") == std::string::npos) {
      auto id = std::stoll(text);
      if (id > 0) return std::optional<domain::Id>(id);
    }
  }
  return Error::invalid(std::string(key) + " must be an id", key);
}

Result<std::vector<std::string>> tags_field(const json& body) {
  const auto& value = body.at("tags");
  if (!value.is_array() || value.size() > domain::kTicketMaxTags) {
    return Error::invalid("tags must be an array of at most 50 strings", "tags");
  }
  std::vector<std::string> tags;
  for (const auto& tag : value) {
    if (!tag.is_string()) return Error::invalid("tags must be strings", "tags");
    auto text = tag.get<std::string>();
    if (text.empty() || text.size() > domain::kTicketTagMaxBytes || !domain::is_valid_utf8(text)) {
      return Error::invalid("a tag is 1 to 64 bytes of UTF-8", "tags");
    }
    if (std::find(tags.begin(), tags.end(), text) == tags.end()) tags.push_back(std::move(text));
  }
  return tags;
}

}  // namespace

Result<TicketPatch> ticket_patch_from(const json& body) {
  static const char* kKnown[] = {"subject", "description", "type", "priority", "assignee_id",
                                 "team",    "tags",        "custom_fields"};
  for (const auto& [key, value] : body.items()) {
    if (std::find_if(std::begin(kKnown), std::end(kKnown), [&](const char* k) { return key == k; }) ==
        std::end(kKnown)) {
      return Error::invalid("unknown or read-only field: " + key, key);
    }
  }
  TicketPatch patch;
  if (body.contains("subject")) {
    auto subject = text_field(body, "subject", domain::kTicketSubjectMaxBytes, false);
    if (!subject) return subject.error();
    patch.subject = *subject;
  }
  if (body.contains("description")) {
    auto description = text_field(body, "description", domain::kTicketDescriptionMaxBytes, true);
    if (!description) return description.error();
    patch.description = *description;
  }
  if (body.contains("type")) {
    auto type = body["type"].is_string() ? domain::parse_ticket_type(body["type"].get<std::string>())
                                         : std::nullopt;
    if (!type) return Error::invalid("type must be question, incident, problem, task, complaint, return or exchange", "type");
    patch.type = *type;
  }
  if (body.contains("priority")) {
    auto priority = body["priority"].is_string()
                        ? domain::parse_ticket_priority(body["priority"].get<std::string>())
                        : std::nullopt;
    if (!priority) return Error::invalid("priority must be low, normal, high or urgent", "priority");
    patch.priority = *priority;
  }
  if (body.contains("assignee_id")) {
    auto assignee = id_field(body, "assignee_id");
    if (!assignee) return assignee.error();
    patch.assignee_id = *assignee;
  }
  if (body.contains("team")) {
    if (body["team"].is_null()) {
      patch.team = std::optional<std::string>{};
    } else {
      auto team = text_field(body, "team", 100, false);
      if (!team) return team.error();
      patch.team = std::optional<std::string>(*team);
    }
  }
  if (body.contains("tags")) {
    auto tags = tags_field(body);
    if (!tags) return tags.error();
    patch.tags = *tags;
  }
  if (body.contains("custom_fields")) {
    const auto& fields = body["custom_fields"];
    if (!fields.is_object() || fields.size() > 100) {
      return Error::invalid("custom_fields must be an object of at most 100 fields", "custom_fields");
    }
    for (const auto& [key, value] : fields.items()) {
      if (key.empty() || key.size() > 64 || value.is_object() || value.is_array() ||
          (value.is_string() && value.get<std::string>().size() > 4096)) {
        return Error::invalid("custom field values are strings (up to 4 KiB), numbers, booleans or null",
                              "custom_fields/" + key);
      }
    }
    patch.custom_fields_json = fields.dump();
  }
  return patch;
}

std::optional<std::pair<int, std::string>> parse_csat_answer(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (i >= text.size() || text[i] < '1' || text[i] > '5') return std::nullopt;
  const int score = text[i] - '0';
  ++i;
  if (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;  // "10"
  while (i < text.size() && (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == '-' ||
                             text[i] == ':' || text[i] == ',' || text[i] == '.' || text[i] == '/')) {
    ++i;
  }
  std::string comment(text.substr(i));
  while (!comment.empty() && std::isspace(static_cast<unsigned char>(comment.back()))) comment.pop_back();
  if (comment.size() > 2000) comment.resize(2000);
  return std::make_pair(score, comment);
}

}  // namespace cc::services
