#include "cc/channels/wechat/wechat_xml.hpp"

#include <algorithm>
#include <charconv>
#include <pugixml.hpp>

namespace cc::channels::wechat {
namespace {

Error malformed(std::string detail) { return Error{ErrorCode::malformed, std::move(detail), {}}; }

bool contains_case_insensitive(std::string_view haystack, std::string_view needle) {
  const auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                              [](char a, char b) {
                                auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; };
                                return lower(a) == lower(b);
                              });
  return it != haystack.end();
}

}  // namespace

std::string WechatXml::get(const std::string& name) const {
  const auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

Result<WechatXml> parse_wechat_xml(std::string_view document) {
  if (document.size() > kMaxXmlBytes) {
    return Error{ErrorCode::too_large, "the XML body is larger than 64 KiB", {}};
  }
  if (contains_case_insensitive(document, "<!DOCTYPE") || contains_case_insensitive(document, "<!ENTITY")) {
    return malformed("XML with a DOCTYPE or ENTITY declaration is refused");
  }
  pugi::xml_document xml;
  // Default options minus DOCTYPE and processing instructions; no entity expansion beyond the
  // five predefined ones and character references.
  const unsigned options = pugi::parse_cdata | pugi::parse_escapes | pugi::parse_eol;
  const auto parsed = xml.load_buffer(document.data(), document.size(), options, pugi::encoding_utf8);
  if (!parsed) return malformed(std::string("the body is not well-formed XML: ") + parsed.description());
  const auto root = xml.document_element();
  if (std::string_view(root.name()) != "xml") return malformed("the root element must be <xml>");
  WechatXml result;
  for (const auto& child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    if (result.fields.size() >= kMaxXmlFields) return malformed("the XML has too many elements");
    // child_value() is the first text/CDATA child: trims nothing, reads nothing nested.
    result.fields.emplace(child.name(), child.child_value());
  }
  return result;
}

}  // namespace cc::channels::wechat
