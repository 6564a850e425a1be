#include "cc/channels/sms/sms_form.hpp"

#include <algorithm>

#include "cc/domain/text_limits.hpp"

namespace cc::channels::sms {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Twilio's parameter names are ASCII words (MessageSid, MediaUrl0, ...).
bool plausible_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

Error malformed(std::string detail) { return Error{ErrorCode::malformed, std::move(detail), {}}; }

}  // namespace

std::optional<std::string_view> FormFields::get(std::string_view name) const {
  const auto it =
      std::lower_bound(fields_.begin(), fields_.end(), name,
                       [](const auto& field, std::string_view key) { return field.first < key; });
  if (it == fields_.end() || it->first != name) return std::nullopt;
  return std::string_view(it->second);
}

std::optional<std::string> strict_form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;  // needs two hex digits
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

Result<FormFields> parse_form(std::string_view body, const FormLimits& limits) {
  if (body.size() > limits.max_body_bytes) {
    return Error{ErrorCode::too_large,
                 "the form exceeds " + std::to_string(limits.max_body_bytes) + " bytes",
                 {}};
  }
  std::vector<std::pair<std::string, std::string>> fields;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto part = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (part.empty()) continue;  // "a=1&&b=2" and a trailing '&' are harmless
    if (fields.size() == limits.max_fields) {
      return malformed("the form has more than " + std::to_string(limits.max_fields) + " fields");
    }
    const auto eq = part.find('=');
    auto name = strict_form_decode(part.substr(0, eq));
    auto value =
        strict_form_decode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1));
    if (!name || !value) return malformed("the form has a bad percent escape");
    if (name->size() > limits.max_name_bytes || !plausible_name(*name)) {
      return malformed("the form has a field name that is not a parameter name");
    }
    if (value->size() > limits.max_value_bytes) {
      return malformed("the form field " + *name + " exceeds " +
                       std::to_string(limits.max_value_bytes) + " bytes");
    }
    if (!domain::is_valid_utf8(*value))
      return malformed("the form field " + *name + " is not UTF-8");
    fields.emplace_back(std::move(*name), std::move(*value));
  }
  std::sort(fields.begin(), fields.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  const auto duplicate =
      std::adjacent_find(fields.begin(), fields.end(),
                         [](const auto& a, const auto& b) { return a.first == b.first; });
  if (duplicate != fields.end()) return malformed("the form repeats the field " + duplicate->first);
  return FormFields(std::move(fields));
}

}  // namespace cc::channels::sms
