// Validation of business events pushed by integrations: sizes, the six types, ISO-8601 times,
// identifiers normalised by the identifier catalogue (strength from the type's default).
#include <algorithm>
#include <regex>

#include "cc/domain/identifiers.hpp"
#include "cc/services/customer_service.hpp"

namespace cc::services {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxIdentifiers = 10;
constexpr std::size_t kMaxDataBytes = 16 * 1024;

bool is_iso_time(const std::string& text) {
  static const std::regex kIso(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2}))");
  return text.size() <= 40 && std::regex_match(text, kIso);
}

Result<std::string> string_member(const json& body, const char* key, std::size_t max) {
  const auto it = body.find(key);
  if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty() ||
      it->get_ref<const std::string&>().size() > max) {
    return Error::invalid(std::string(key) + " must be a string of 1 to " + std::to_string(max) + " bytes",
                          std::string("/") + key);
  }
  return it->get<std::string>();
}

}  // namespace

Result<NewBusinessEvent> parse_business_event(const json& body) {
  NewBusinessEvent event;
  auto type = string_member(body, "type", 16);
  if (!type) return type.error();
  static const std::array<std::string_view, 6> kTypes{"order", "payment", "shipment", "return", "exchange",
                                                       "complaint"};
  if (std::find(kTypes.begin(), kTypes.end(), *type) == kTypes.end()) {
    return Error::invalid("type must be order, payment, shipment, return, exchange or complaint", "/type");
  }
  event.type = *type;
  auto external_id = string_member(body, "external_id", 128);
  if (!external_id) return external_id.error();
  event.external_id = *external_id;
  auto occurred_at = string_member(body, "occurred_at", 40);
  if (!occurred_at) return occurred_at.error();
  if (!is_iso_time(*occurred_at)) return Error::invalid("occurred_at must be an ISO-8601 time", "/occurred_at");
  event.occurred_at = *occurred_at;
  if (const auto data = body.find("data"); data != body.end() && !data->is_null()) {
    if (!data->is_object()) return Error::invalid("data must be an object", "/data");
    if (data->dump().size() > kMaxDataBytes) return Error::invalid("data is larger than 16 KiB", "/data");
    event.data = *data;
  }
  const auto ids = body.find("identifiers");
  if (ids == body.end() || !ids->is_array() || ids->empty() || ids->size() > kMaxIdentifiers) {
    return Error::invalid("identifiers must be an array of 1 to 10 {type, value}", "/identifiers");
  }
  const auto& catalog = domain::identifier_catalog();
  for (std::size_t i = 0; i < ids->size(); ++i) {
    const auto& item = (*ids)[i];
    const auto path = "/identifiers/" + std::to_string(i);
    if (!item.is_object() || !item.contains("type") || !item.contains("value") || !item["type"].is_string() ||
        !item["value"].is_string()) {
      return Error::invalid("each identifier is {type, value} with string members", path);
    }
    const auto& type_name = item["type"].get_ref<const std::string&>();
    const auto* known = catalog.find(type_name);
    if (!known) return Error::invalid("unknown identifier type", path + "/type");
    const auto& raw = item["value"].get_ref<const std::string&>();
    auto value = raw.size() <= 256 ? catalog.normalize(type_name, raw) : std::nullopt;
    if (!value) return Error::invalid("value does not fit its type", path + "/value");
    event.identifiers.push_back({type_name, *value, known->strength == domain::Strength::verified});
  }
  return event;
}

json masked_profile(json profile, bool clear) {
  for (auto& id : profile["identifiers"]) {
    const auto type = id["type"].get<std::string>();
    const auto* known = domain::identifier_catalog().find(type);
    const bool pii = known == nullptr || known->pii || known->kind == domain::NormalizerKind::keyed_hash;
    if (known && known->kind == domain::NormalizerKind::keyed_hash) {
      id["value"] = domain::mask_identifier(type, id["value"].get<std::string>());  // a hash: never shown
    } else if (!clear && pii) {
      id["value"] = domain::mask_identifier(type, id["value"].get<std::string>());
    }
    id["masked"] = !clear && pii;
  }
  return profile;
}

}  // namespace cc::services
