#include "cc/domain/attachment_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace cc::domain {
namespace {

bool ascii_iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

// Where a URL inside an attribute or CSS url() ends.
bool ends_url(char c) {
  return c == '"' || c == '\'' || c == '>' || c == ')' || c == '<' ||
         std::isspace(static_cast<unsigned char>(c));
}

// RFC 5987 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
bool attr_char(unsigned char c) {
  if (std::isalnum(c) && c < 0x80) return true;
  constexpr std::string_view kMarks = "!#$&+-.^_`|~";
  return kMarks.find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::string attachment_path(Id id) { return "/api/v1/attachments/" + std::to_string(id); }

std::string link_inline_parts(std::string_view html, const std::vector<std::pair<std::string, Id>>& parts) {
  if (parts.empty()) return std::string(html);
  std::string out;
  out.reserve(html.size());
  std::size_t i = 0;
  while (i < html.size()) {
    const bool at_cid = i + 4 <= html.size() && ascii_iequal(html.substr(i, 4), "cid:") &&
                        (i == 0 || !std::isalnum(static_cast<unsigned char>(html[i - 1])));
    if (!at_cid) {
      out.push_back(html[i++]);
      continue;
    }
    std::size_t end = i + 4;
    while (end < html.size() && !ends_url(html[end])) ++end;
    const auto wanted = percent_decoded(html.substr(i + 4, end - i - 4));
    const auto match = std::find_if(parts.begin(), parts.end(),
                                    [&](const auto& part) { return !part.first.empty() && part.first == wanted; });
    if (match == parts.end()) {
      out.append(html.substr(i, end - i));
    } else {
      out += attachment_path(match->second);
    }
    i = end;
  }
  return out;
}

bool served_inline(std::string_view content_type) {
  static constexpr std::array<std::string_view, 6> kSafe{"image/png",      "image/jpeg", "image/gif",
                                                         "image/webp",     "application/pdf", "text/plain"};
  return std::any_of(kSafe.begin(), kSafe.end(), [&](std::string_view safe) { return ascii_iequal(safe, content_type); });
}

std::string content_disposition(bool as_inline, std::string_view filename) {
  if (filename.empty()) filename = "attachment";
  std::string fallback;
  bool ascii = true;
  for (const char ch : filename) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) ascii = false;
    const bool unsafe = c < 0x20 || c == 0x7f || c >= 0x80 || ch == '"' || ch == '\\' || ch == '/';
    if (unsafe && c >= 0x80 && (c & 0xc0) == 0x80) continue;  // one '_' per non-ASCII character
    fallback.push_back(unsafe ? '_' : ch);
  }
  std::string out = as_inline ? "inline" : "attachment";
  out += "; filename=\"" + fallback + "\"";
  if (!ascii) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    out += "; filename*=UTF-8''";
    for (const char ch : filename) {
      const auto c = static_cast<unsigned char>(ch);
      if (attr_char(c)) {
        out.push_back(ch);
      } else {
        out.push_back('%');
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
      }
    }
  }
  return out;
}

}  // namespace cc::domain
