#include "cc/services/agent_profile_rules.hpp"

#include <algorithm>
#include <cctype>

namespace cc::services {
namespace {

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

bool forbidden_in_uri(unsigned char c) {
  if (c <= 0x20 || c == 0x7f) return true;  // controls and space
  return std::string_view("<>\"`{}|\\^").find(static_cast<char>(c)) != std::string_view::npos;
}

bool host_char(unsigned char c) {
  return std::isalnum(c) || c == '.' || c == '-' || c == '[' || c == ']' || c == ':' || c >= 0x80;
}

}  // namespace

std::optional<Error> check_sip_uri(std::string_view uri, std::string field) {
  if (uri.size() > kMaxSipUriBytes) {
    return Error::invalid("sip_uri is longer than 256 bytes", std::move(field));
  }
  std::string_view rest;
  if (starts_with_ci(uri, "sips:")) {
    rest = uri.substr(5);
  } else if (starts_with_ci(uri, "sip:")) {
    rest = uri.substr(4);
  } else {
    return Error::invalid("sip_uri must start with sip: or sips:", std::move(field));
  }
  if (std::any_of(uri.begin(), uri.end(), [](char c) { return forbidden_in_uri(static_cast<unsigned char>(c)); })) {
    return Error::invalid("sip_uri contains a character a SIP URI cannot hold", std::move(field));
  }
  // host[:port] sits after the last '@' of the user part and before any ;params or ?headers.
  const auto end = rest.find_first_of(";?");
  auto hostport = rest.substr(0, end);
  if (const auto at = hostport.rfind('@'); at != std::string_view::npos) {
    if (at == 0) return Error::invalid("sip_uri has an empty user part", std::move(field));
    hostport = hostport.substr(at + 1);
  }
  auto host = hostport;
  if (!host.empty() && host.front() != '[') host = host.substr(0, host.find(':'));
  if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) {
        return host_char(static_cast<unsigned char>(c));
      })) {
    return Error::invalid("sip_uri has no valid host", std::move(field));
  }
  return std::nullopt;
}

std::optional<Error> check_routing_key(std::string_view key, std::string field) {
  const bool ok = !key.empty() && key.size() <= 64 && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
  if (ok) return std::nullopt;
  return Error::invalid("must be 1 to 64 characters of a-z, 0-9, _ . -", std::move(field));
}

}  // namespace cc::services
