#include "cc/channels/voice/voice_config.hpp"

#include <boost/asio/ip/address.hpp>

namespace cc::channels::voice {

using nlohmann::json;

std::optional<Cidr> parse_cidr(const std::string& text) {
  const auto slash = text.find('/');
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(text.substr(0, slash), ec);
  if (ec) return std::nullopt;
  Cidr cidr;
  cidr.v6 = address.is_v6();
  const int max = cidr.v6 ? 128 : 32;
  cidr.prefix = max;
  if (slash != std::string::npos) {
    const auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    cidr.prefix = std::stoi(digits);
    if (cidr.prefix > max) return std::nullopt;
  }
  if (cidr.v6) {
    const auto b = address.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), cidr.bytes.begin());
  } else {
    const auto b = address.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), cidr.bytes.begin());
  }
  return cidr;
}

bool cidr_contains(const Cidr& cidr, const std::string& text) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(text, ec);
  if (ec) return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  if (address.is_v6() != cidr.v6) return false;
  std::array<std::uint8_t, 16> bytes{};
  if (cidr.v6) {
    const auto b = address.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  } else {
    const auto b = address.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  }
  int bits = cidr.prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((bytes[i] & mask) != (cidr.bytes[i] & mask)) return false;
  }
  return true;
}

bool gateway_allowed(const VoiceAccountConfig& config, const std::string& address) {
  for (const auto& cidr : config.gateways) {
    if (cidr_contains(cidr, address)) return true;
  }
  return false;
}

DidRoute route_for_did(const VoiceAccountConfig& config, const std::string& did) {
  if (auto it = config.dids.find(did); it != config.dids.end()) return it->second;
  if (!did.empty() && did.front() != '+') {
    if (auto it = config.dids.find("+" + did); it != config.dids.end()) return it->second;
  }
  return DidRoute{"default", !config.overflow_uri.empty(), 60};
}

Result<VoiceAccountConfig> parse_voice_config(const json& config) {
  if (!config.is_object()) return Error::invalid("config must be an object", "/config");
  VoiceAccountConfig out;
  const auto gateways = config.find("gateways");
  if (gateways == config.end() || !gateways->is_array() || gateways->empty() || gateways->size() > 100) {
    return Error::invalid("gateways must be a list of 1 to 100 addresses or CIDRs", "/config/gateways");
  }
  for (std::size_t i = 0; i < gateways->size(); ++i) {
    const auto& item = (*gateways)[i];
    auto cidr = item.is_string() ? parse_cidr(item.get<std::string>()) : std::nullopt;
    if (!cidr) return Error::invalid("not an IP address or CIDR", "/config/gateways/" + std::to_string(i));
    out.gateways.push_back(*cidr);
  }
  if (const auto uri = config.find("overflow_uri"); uri != config.end() && !uri->is_null()) {
    if (!uri->is_string() || uri->get<std::string>().size() > 256 ||
        !(uri->get<std::string>().starts_with("sip:") || uri->get<std::string>().starts_with("sips:")) ||
        uri->get<std::string>().find_first_of("\r\n<> ") != std::string::npos) {
      return Error::invalid("overflow_uri must be a sip: URI", "/config/overflow_uri");
    }
    out.overflow_uri = uri->get<std::string>();
  }
  if (const auto dids = config.find("dids"); dids != config.end() && !dids->is_null()) {
    if (!dids->is_object() || dids->size() > 1000) return Error::invalid("dids must be an object", "/config/dids");
    for (const auto& [number, value] : dids->items()) {
      const auto path = "/config/dids/" + number;
      if (number.empty() || number.size() > 32 || number.find_first_not_of("+0123456789") != std::string::npos) {
        return Error::invalid("a DID is digits with an optional leading +", path);
      }
      DidRoute route;
      route.overflow = !out.overflow_uri.empty();
      if (value.is_string()) {
        route.queue = value.get<std::string>();
      } else if (value.is_object()) {
        const auto queue = value.find("queue");
        if (queue == value.end() || !queue->is_string()) return Error::invalid("queue is required", path + "/queue");
        route.queue = queue->get<std::string>();
        if (const auto mode = value.find("no_agent"); mode != value.end()) {
          if (!mode->is_string() || (*mode != "overflow" && *mode != "busy")) {
            return Error::invalid("no_agent must be overflow or busy", path + "/no_agent");
          }
          route.overflow = *mode == "overflow";
          if (route.overflow && out.overflow_uri.empty()) {
            return Error::invalid("no_agent overflow needs overflow_uri", path + "/no_agent");
          }
        }
        if (const auto retry = value.find("retry_after"); retry != value.end()) {
          if (!retry->is_number_integer() || retry->get<int>() < 0 || retry->get<int>() > 86400) {
            return Error::invalid("retry_after must be 0-86400 seconds", path + "/retry_after");
          }
          route.retry_after = retry->get<int>();
        }
      } else {
        return Error::invalid("a DID maps to a queue name or {queue, no_agent, retry_after}", path);
      }
      if (route.queue.empty() || route.queue.size() > 100) return Error::invalid("queue name must be 1-100 characters", path);
      out.dids.emplace(number, std::move(route));
    }
  }
  if (const auto secret = config.find("webhook_secret"); secret != config.end() && !secret->is_null()) {
    if (!secret->is_string() || (!secret->get<std::string>().empty() && secret->get<std::string>().size() < 16)) {
      return Error::invalid("webhook_secret must be a string of at least 16 characters", "/config/webhook_secret");
    }
    out.webhook_secret = secret->get<std::string>();
  }
  return out;
}

std::optional<Error> validate_voice_config(const json& config) {
  auto parsed = parse_voice_config(config);
  if (!parsed) return parsed.error();
  return std::nullopt;
}

}  // namespace cc::channels::voice
