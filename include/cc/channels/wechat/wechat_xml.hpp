#pragma once
// Parsing of WeChat push XML (the flat <xml><Name>value</Name>...</xml> format) with pugixml.
// Pure: no I/O.
// Hostile input: documents over kMaxXmlBytes, or containing a DOCTYPE or ENTITY declaration,
// are refused before parsing (pugixml never expands external entities anyway).
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "cc/domain/error.hpp"

namespace cc::channels::wechat {

inline constexpr std::size_t kMaxXmlBytes = 64 * 1024;
inline constexpr std::size_t kMaxXmlFields = 64;

// The child elements of the root <xml>, by name (text or CDATA content).
struct WechatXml {
  std::map<std::string, std::string> fields;
  std::string get(const std::string& name) const;
  bool has(const std::string& name) const { return fields.count(name) != 0; }
};

// Parses the flat document; nested elements are kept only as their own text (if any).
Result<WechatXml> parse_wechat_xml(std::string_view document);

}  // namespace cc::channels::wechat
