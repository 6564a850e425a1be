// Custom ticket field definitions and the validation of values against them.
#include "cc/services/ticket_fields.hpp"

#include <algorithm>
#include <regex>

#include "cc/domain/business_calendar.hpp"
#include "cc/domain/text_limits.hpp"

namespace cc::services {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxOptions = 200;
constexpr std::size_t kMaxOptionBytes = 200;
constexpr std::size_t kMaxTextValueBytes = 4096;

std::string canonical_type(const std::string& type) {
  if (type == "bool") return "boolean";
  if (type == "enum") return "select";
  return type;
}

Status value_error(const std::string& key, const std::string& what) {
  return Error::invalid("custom field " + key + " " + what, "custom_fields/" + key);
}

Status check_value(const TicketFieldDefinition& field, const json& value) {
  if (field.type == "text") {
    if (!value.is_string() || value.get<std::string>().size() > kMaxTextValueBytes ||
        !domain::is_valid_utf8(value.get<std::string>())) {
      return value_error(field.key, "must be text of at most 4096 bytes");
    }
  } else if (field.type == "number") {
    if (!value.is_number()) return value_error(field.key, "must be a number");
  } else if (field.type == "boolean") {
    if (!value.is_boolean()) return value_error(field.key, "must be true or false");
  } else if (field.type == "date") {
    if (!value.is_string() || !domain::parse_local_date(value.get<std::string>())) {
      return value_error(field.key, "must be a date (YYYY-MM-DD)");
    }
  } else if (field.type == "select") {
    if (!value.is_string() ||
        std::find(field.options.begin(), field.options.end(), value.get<std::string>()) == field.options.end()) {
      return value_error(field.key, "must be one of its options");
    }
  }
  return Ok{};
}

}  // namespace

Result<TicketFieldDefinition> ticket_field_from(const json& body) {
  static const std::regex kKey("^[a-z][a-z0-9_]{0,63}$");
  for (const auto& [key, value] : body.items()) {
    if (key != "key" && key != "label" && key != "type" && key != "options" && key != "required") {
      return Error::invalid("unknown field: " + key, key);
    }
  }
  TicketFieldDefinition field;
  if (!body.contains("key") || !body["key"].is_string() ||
      !std::regex_match(body["key"].get<std::string>(), kKey)) {
    return Error::invalid("key is 1 to 64 of a-z, 0-9 and _, starting with a letter", "key");
  }
  field.key = body["key"].get<std::string>();
  field.label = field.key;
  if (body.contains("label")) {
    if (!body["label"].is_string() || body["label"].get<std::string>().empty() ||
        body["label"].get<std::string>().size() > 200 || !domain::is_valid_utf8(body["label"].get<std::string>())) {
      return Error::invalid("label is 1 to 200 bytes of UTF-8", "label");
    }
    field.label = body["label"].get<std::string>();
  }
  field.type = canonical_type(body.value("type", json("text")).is_string() ? body.value("type", "text") : "");
  static const char* kTypes[] = {"text", "number", "boolean", "date", "select"};
  if (std::find(std::begin(kTypes), std::end(kTypes), field.type) == std::end(kTypes)) {
    return Error::invalid("type must be text, number, date, bool or enum", "type");
  }
  if (body.contains("options")) {
    const auto& options = body["options"];
    if (!options.is_array() || options.size() > kMaxOptions) {
      return Error::invalid("options is an array of at most 200 strings", "options");
    }
    for (const auto& option : options) {
      if (!option.is_string() || option.get<std::string>().empty() ||
          option.get<std::string>().size() > kMaxOptionBytes || !domain::is_valid_utf8(option.get<std::string>())) {
        return Error::invalid("an option is 1 to 200 bytes of UTF-8", "options");
      }
      field.options.push_back(option.get<std::string>());
    }
  }
  if (field.type == "select" && field.options.empty()) {
    return Error::invalid("an enum field needs its options", "options");
  }
  if (field.type != "select" && !field.options.empty()) {
    return Error::invalid("only enum fields have options", "options");
  }
  if (body.contains("required")) {
    if (!body["required"].is_boolean()) return Error::invalid("required must be true or false", "required");
    field.required = body["required"].get<bool>();
  }
  return field;
}

json ticket_field_json(const TicketFieldDefinition& field) {
  return json{{"key", field.key},
              {"label", field.label},
              {"type", field.type == "boolean" ? "bool" : field.type == "select" ? "enum" : field.type},
              {"options", field.options},
              {"required", field.required}};
}

Status check_custom_fields(const std::vector<TicketFieldDefinition>& fields, const json& values,
                           bool require_all) {
  if (!values.is_object()) return Error::invalid("custom_fields must be an object", "custom_fields");
  for (const auto& [key, value] : values.items()) {
    auto field = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.key == key; });
    if (field == fields.end()) return value_error(key, "is not defined");
    if (value.is_null()) continue;
    if (auto checked = check_value(*field, value); !checked) return checked;
  }
  if (require_all) {
    for (const auto& field : fields) {
      if (field.required && (!values.contains(field.key) || values[field.key].is_null())) {
        return value_error(field.key, "is required");
      }
    }
  }
  return Ok{};
}

json merged_custom_fields(const json& current, const json& changes) {
  json merged = current.is_object() ? current : json::object();
  for (const auto& [key, value] : changes.items()) {
    if (value.is_null()) {
      merged.erase(key);
    } else {
      merged[key] = value;
    }
  }
  return merged;
}

}  // namespace cc::services
