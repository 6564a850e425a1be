#include "cc/domain/identifiers.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace cc::domain {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

bool is_opaque_id(std::string_view value) {
  if (value.empty() || value.size() > 128) return false;
  return std::all_of(value.begin(), value.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == '@';
  });
}

}  // namespace

std::optional<std::string> normalize_email(std::string_view raw) {
  const auto text = trim(raw);
  if (text.size() < 3 || text.size() > 254) return std::nullopt;
  const auto at = text.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= text.size() ||
      text.find('@', at + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isspace(c) || std::iscntrl(c)) return std::nullopt;
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

std::optional<std::string> normalize_phone(std::string_view raw) {
  const auto text = trim(raw);
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = text[i];
    if (std::isdigit(c)) {
      out.push_back(static_cast<char>(c));
    } else if (c == '+' && out.empty()) {
      out.push_back('+');
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return std::nullopt;
    }
  }
  const auto digits = out.size() - (out.starts_with('+') ? 1 : 0);
  if (digits < 5 || digits > 15) return std::nullopt;
  return out;
}

bool is_web_identity_type(std::string_view type) {
  static constexpr std::array<std::string_view, 3> kTypes{"member_id", "email", "phone"};
  return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
}

std::optional<std::string> normalize_identifier(std::string_view type, std::string_view raw) {
  if (type == "email") return normalize_email(raw);
  if (type == "phone") return normalize_phone(raw);
  const auto text = trim(raw);
  if (!is_opaque_id(text)) return std::nullopt;
  return std::string(text);
}

}  // namespace cc::domain
