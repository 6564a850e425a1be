#include "cc/net/http_types.hpp"

#include <boost/beast/http/field.hpp>
#include <cctype>
#include <cstdio>

namespace cc::net {

std::string_view RequestContext::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

std::string_view RequestContext::path() const {
  const std::string_view target(request.target().data(), request.target().size());
  return target.substr(0, target.find('?'));
}

std::optional<std::string> RequestContext::query(std::string_view name) const {
  const std::string_view target(request.target().data(), request.target().size());
  const auto mark = target.find('?');
  if (mark == std::string_view::npos) return std::nullopt;
  for (auto& [key, value] : parse_query(target.substr(mark + 1))) {
    if (key == name) return std::move(value);
  }
  return std::nullopt;
}

std::optional<std::string_view> RequestContext::header(std::string_view name) const {
  const auto it = request.find(beast::string_view(name.data(), name.size()));
  if (it == request.end()) return std::nullopt;
  return std::string_view(it->value().data(), it->value().size());
}

Response make_response(const Request& request, http::status status, std::string body,
                       std::string_view content_type) {
  Response response{status, request.version()};
  response.set(http::field::content_type, beast::string_view(content_type.data(), content_type.size()));
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string problem_json(http::status status, std::string_view title, std::string_view detail,
                         std::string_view type_suffix, std::string_view extra_json_members) {
  std::string body = "{\"type\":\"https://contact-center.dev/problems/" + json_escape(type_suffix) +
                     "\",\"title\":\"" + json_escape(title) +
                     "\",\"status\":" + std::to_string(static_cast<unsigned>(status)) +
                     ",\"detail\":\"" + json_escape(detail) + "\"";
  if (!extra_json_members.empty()) {
    body += ",";
    body += extra_json_members;
  }
  body += "}";
  return body;
}

Response make_problem(const Request& request, http::status status, std::string_view title,
                      std::string_view detail) {
  std::string suffix(http::obsolete_reason(status));
  for (char& c : suffix) c = c == ' ' ? '-' : static_cast<char>(std::tolower(c));
  return make_response(request, status, problem_json(status, title, detail, suffix),
                       "application/problem+json");
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() &&
               std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto part = query.substr(0, amp);
    if (!part.empty()) {
      const auto eq = part.find('=');
      if (eq == std::string_view::npos) {
        pairs.emplace_back(percent_decode(part), std::string());
      } else {
        pairs.emplace_back(percent_decode(part.substr(0, eq)), percent_decode(part.substr(eq + 1)));
      }
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return pairs;
}

}  // namespace cc::net
