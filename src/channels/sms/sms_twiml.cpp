#include "cc/channels/sms/sms_twiml.hpp"

namespace cc::channels::sms {

namespace {
constexpr std::string_view kDeclaration = R"(<?xml version="1.0" encoding="UTF-8"?>)";
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 has no place for other C0 controls; drop them rather than emit invalid XML.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t') break;
        out += c;
    }
  }
  return out;
}

std::string empty_twiml() { return std::string(kDeclaration) + "<Response></Response>"; }

std::string message_twiml(std::string_view text) {
  return std::string(kDeclaration) + "<Response><Message>" + xml_escape(text) +
         "</Message></Response>";
}

}  // namespace cc::channels::sms
