#include "cc/channels/email/email_text.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace cc::channels::email {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::string_view trim(std::string_view text) {
  // ASCII whitespace and the ideographic space used in Chinese mail clients' headers.
  while (true) {
    if (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
      text.remove_prefix(1);
    } else if (text.starts_with("\u3000")) {
      text.remove_prefix(3);
    } else {
      break;
    }
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

bool is_header_line(std::string_view line, std::initializer_list<std::string_view> names) {
  line = trim(line);
  return std::any_of(names.begin(), names.end(), [&](std::string_view name) {
    return istarts_with(line, name);
  });
}

// "From: x" / "发件人: x" followed by Sent/Date/To lines: the header block Outlook and Chinese
// clients put above the quoted original.
bool starts_header_block(const std::vector<std::string_view>& lines, std::size_t i) {
  if (!is_header_line(lines[i], {"From:", "发件人:", "发件人：", "*From:*"})) return false;
  for (std::size_t j = i + 1; j < lines.size() && j <= i + 3; ++j) {
    if (is_header_line(lines[j], {"Sent:", "Date:", "To:", "发送时间", "收件人", "日期", "时间", "*Sent:*"})) {
      return true;
    }
  }
  return false;
}

bool is_history_marker(const std::vector<std::string_view>& lines, std::size_t i) {
  const auto line = trim(lines[i]);
  if (line.empty()) return false;
  if (contains(line, "Original Message") && line.starts_with("-")) return true;
  if (contains(line, "原始邮件") || contains(line, "原始郵件")) return true;
  if (line.size() >= 20 && line.find_first_not_of('_') == std::string_view::npos) return true;
  // "On Mon, 1 Jan 2024 at 10:00, Bob <b@x> wrote:" (possibly wrapped onto a second line)
  if (istarts_with(line, "On ") && line.ends_with("wrote:")) return true;
  if (istarts_with(line, "On ") && i + 1 < lines.size() && trim(lines[i + 1]).ends_with("wrote:")) {
    return true;
  }
  // "在 2024年1月1日 周一 10:00，Bob <b@x> 写道："
  if (line.starts_with("在") && (line.ends_with("写道：") || line.ends_with("写道:") || line.ends_with("寫道："))) {
    return true;
  }
  return starts_header_block(lines, i);
}

std::string join_trimmed(const std::vector<std::string_view>& lines) {
  std::size_t end = lines.size();
  while (end > 0 && trim(lines[end - 1]).empty()) --end;
  std::size_t begin = 0;
  while (begin < end && trim(lines[begin]).empty()) ++begin;
  std::string out;
  for (std::size_t i = begin; i < end; ++i) {
    auto line = lines[i];
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    out.append(line);
    if (i + 1 < end) out.push_back('\n');
  }
  return out;
}

}  // namespace

std::string strip_quoted_history(std::string_view text) {
  const auto lines = split_lines(text);
  std::vector<std::string_view> kept;
  bool forwarded = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto line = trim(lines[i]);
    if (contains(line, "Forwarded message") || contains(line, "转发邮件") || contains(line, "轉寄")) {
      forwarded = true;  // what follows is the point of the mail: keep it whole
    }
    if (!forwarded && is_history_marker(lines, i)) break;
    if (!forwarded && line.starts_with(">")) continue;
    kept.push_back(lines[i]);
  }
  auto visible = join_trimmed(kept);
  if (visible.empty()) return join_trimmed(lines);
  return visible;
}

std::string html_to_text(std::string_view html) {
  std::string out;
  std::size_t i = 0;
  auto skip_element = [&](std::string_view name) {
    const std::string close = "</" + std::string(name);
    std::size_t at = i;
    while (at < html.size()) {
      const auto lt = html.find("</", at);
      if (lt == std::string_view::npos) return html.size();
      if (istarts_with(html.substr(lt), close)) {
        const auto gt = html.find('>', lt);
        return gt == std::string_view::npos ? html.size() : gt + 1;
      }
      at = lt + 2;
    }
    return html.size();
  };
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      const auto end = html.find('>', i);
      if (end == std::string_view::npos) break;
      const auto tag = html.substr(i + 1, end - i - 1);
      if (istarts_with(tag, "script") || istarts_with(tag, "style") || istarts_with(tag, "head")) {
        const auto name = istarts_with(tag, "script") ? "script" : istarts_with(tag, "style") ? "style" : "head";
        i = end + 1;
        i = skip_element(name);
        continue;
      }
      if (istarts_with(tag, "br") || istarts_with(tag, "/p") || istarts_with(tag, "/div") ||
          istarts_with(tag, "/tr") || istarts_with(tag, "/li") || istarts_with(tag, "/h") ||
          istarts_with(tag, "/blockquote")) {
        out.push_back('\n');
      }
      i = end + 1;
      continue;
    }
    if (c == '&') {
      static const std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&nbsp;", " "}, {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"}};
      bool matched = false;
      for (const auto& [entity, replacement] : kEntities) {
        if (istarts_with(html.substr(i), entity)) {
          out.append(replacement);
          i += entity.size();
          matched = true;
          break;
        }
      }
      if (matched) continue;
    }
    if (c == '\r') {
      ++i;
      continue;
    }
    // Source line breaks are not breaks in HTML.
    out.push_back(c == '\n' || c == '\t' ? ' ' : c);
    ++i;
  }
  // Collapse runs of spaces and of blank lines.
  std::vector<std::string_view> lines = split_lines(out);
  std::vector<std::string> cleaned;
  for (auto line : lines) {
    std::string collapsed;
    bool space = false;
    for (const char ch : trim(line)) {
      if (ch == ' ') {
        if (!space) collapsed.push_back(' ');
        space = true;
      } else {
        collapsed.push_back(ch);
        space = false;
      }
    }
    if (collapsed.empty() && (cleaned.empty() || cleaned.back().empty())) continue;
    cleaned.push_back(std::move(collapsed));
  }
  std::vector<std::string_view> views(cleaned.begin(), cleaned.end());
  return join_trimmed(views);
}

std::string sanitize_html(std::string_view html) {
  static constexpr std::string_view kDropped[] = {"script", "iframe", "object", "embed", "form", "frame",
                                                   "frameset", "applet", "base", "meta", "link"};
  std::string out;
  std::size_t i = 0;
  while (i < html.size()) {
    if (html[i] != '<') {
      out.push_back(html[i++]);
      continue;
    }
    const auto end = html.find('>', i);
    if (end == std::string_view::npos) break;  // an unterminated tag is dropped
    auto tag = html.substr(i + 1, end - i - 1);
    const bool closing = !tag.empty() && tag.front() == '/';
    const auto name_view = tag.substr(closing ? 1 : 0);
    const auto name_end = std::min(name_view.find_first_of(" \t\r\n/>"), name_view.size());
    std::string name(name_view.substr(0, name_end));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    const bool dropped = std::find(std::begin(kDropped), std::end(kDropped), name) != std::end(kDropped);
    if (dropped) {
      i = end + 1;
      if (!closing && (name == "script" || name == "iframe" || name == "object")) {
        // Drop the element's content too.
        const std::string close = "</" + name;
        std::size_t at = i;
        while (true) {
          const auto lt = html.find("</", at);
          if (lt == std::string_view::npos) {
            i = html.size();
            break;
          }
          if (istarts_with(html.substr(lt), close)) {
            const auto gt = html.find('>', lt);
            i = gt == std::string_view::npos ? html.size() : gt + 1;
            break;
          }
          at = lt + 2;
        }
      }
      continue;
    }
    // Rebuild the tag without event handlers and javascript: URLs.
    std::string rebuilt = "<";
    std::size_t at = 0;
    while (at < tag.size()) {
      const auto ws = tag.find_first_of(" \t\r\n", at);
      const auto piece_end = ws == std::string_view::npos ? tag.size() : ws;
      std::size_t attr_end = piece_end;
      // Attribute values in quotes may contain spaces: extend to the closing quote.
      const auto eq = tag.find('=', at);
      if (eq != std::string_view::npos && eq < piece_end && eq + 1 < tag.size() &&
          (tag[eq + 1] == '"' || tag[eq + 1] == '\'')) {
        const auto close = tag.find(tag[eq + 1], eq + 2);
        attr_end = close == std::string_view::npos ? tag.size() : close + 1;
      }
      const auto attr = tag.substr(at, attr_end - at);
      std::string lowered(attr);
      std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      std::erase_if(lowered, [](char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; });
      const bool handler = at > 0 && lowered.starts_with("on");
      const bool script_url = contains(lowered, "javascript:") || contains(lowered, "vbscript:") ||
                              contains(lowered, "expression(");
      if (!attr.empty() && !handler && !script_url) {
        if (rebuilt.size() > 1) rebuilt.push_back(' ');
        rebuilt.append(attr);
      }
      at = attr_end;
      while (at < tag.size() && std::isspace(static_cast<unsigned char>(tag[at]))) ++at;
    }
    rebuilt.push_back('>');
    out += rebuilt;
    i = end + 1;
  }
  return out;
}

std::string to_valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; ok && k < length; ++k) {
      ok = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
    }
    if (ok && length > 1) {
      // Overlong forms, surrogates and values past U+10FFFF are invalid too.
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      if ((length == 2 && c < 0xc2) || (length == 3 && c == 0xe0 && c1 < 0xa0) ||
          (length == 3 && c == 0xed && c1 >= 0xa0) || (length == 4 && c == 0xf0 && c1 < 0x90) ||
          (length == 4 && (c > 0xf4 || (c == 0xf4 && c1 >= 0x90)))) {
        ok = false;
      }
    }
    if (!ok) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (c == 0) {  // NUL has no place in a message (PostgreSQL text refuses it)
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

std::string truncate_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;
  return std::string(text.substr(0, cut));
}

}  // namespace cc::channels::email
