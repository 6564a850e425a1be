#include "cc/domain/identifiers.hpp"
#include "cc/domain/text_limits.hpp"

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

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_type_name(std::string_view name) {
  return !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x80; });
}

// The e-mail rule with a domain converter: local part kept as typed except for case.
std::optional<std::string> email_with(std::string_view raw, const IdentifierHooks& hooks) {
  const auto folded = fold_full_width(raw);
  const auto text = trim(folded);
  if (text.size() < 3 || text.size() > 254) return std::nullopt;
  const auto at = text.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= text.size() ||
      text.find('@', at + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  for (unsigned char c : text) {
    if (std::isspace(c) || std::iscntrl(c)) return std::nullopt;
  }
  auto domain = std::string(text.substr(at + 1));
  if (!is_ascii(domain)) {
    if (!hooks.idn_to_ascii) return std::nullopt;
    auto ascii = hooks.idn_to_ascii(domain);
    if (!ascii) return std::nullopt;
    domain = *ascii;
  }
  return lower(text.substr(0, at)) + "@" + lower(domain);
}

std::optional<std::string> digits_only(std::string_view raw, std::size_t min, std::size_t max) {
  std::string out;
  for (unsigned char c : fold_full_width(raw)) {
    if (std::isdigit(c)) out.push_back(static_cast<char>(c));
    else if (c != ' ' && c != '-') return std::nullopt;
  }
  if (out.size() < min || out.size() > max) return std::nullopt;
  return out;
}

// sip:user@host[:port][;params] -> sip:user@host[:port], scheme and host lower-cased.
std::optional<std::string> sip_uri(std::string_view raw) {
  auto text = trim(raw);
  const auto lowered = lower(text.substr(0, std::min<std::size_t>(5, text.size())));
  std::string scheme;
  if (lowered.starts_with("sips:")) {
    scheme = "sips:";
  } else if (lowered.starts_with("sip:")) {
    scheme = "sip:";
  } else {
    return std::nullopt;
  }
  text.remove_prefix(scheme.size());
  text = text.substr(0, text.find_first_of(";?>"));
  const auto at = text.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 >= text.size() || text.size() > 200) {
    return std::nullopt;
  }
  const auto user = text.substr(0, at);
  const auto host = text.substr(at + 1);
  if (!is_opaque_id(user) && !std::all_of(user.begin(), user.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '+' || c == '-' || c == '_' || c == '.';
      })) {
    return std::nullopt;
  }
  if (!std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.' || c == ':' || c == '[' || c == ']';
      })) {
    return std::nullopt;
  }
  return scheme + std::string(user) + "@" + lower(host);
}

std::vector<IdentifierType> builtin_types() {
  using K = NormalizerKind;
  using S = Strength;
  return {
      {"phone", K::phone, S::claimed, true},
      {"email", K::email, S::claimed, true},
      {"guest_email", K::email, S::claimed, true},  // linked to an order placed without an account
      {"wechat_openid", K::scoped, S::verified, false},
      {"wechat_unionid", K::opaque, S::verified, false},
      {"web_visitor", K::opaque, S::verified, false},
      {"web_user", K::opaque, S::verified, false},  // the host site's HMAC-signed user id
      {"member_id", K::opaque, S::claimed, true},
      {"crm_id", K::opaque, S::claimed, false},
      {"device_id", K::opaque, S::claimed, false},
      {"sip_uri", K::sip_uri, S::verified, true},
      {"whatsapp_id", K::phone, S::verified, true},
      {"telegram_id", K::digits, S::verified, false},
      {"alipay_user_id", K::digits, S::verified, false},
      {"douyin_openid", K::opaque, S::verified, false},
      {"qq", K::digits, S::claimed, true},
      {"national_id", K::keyed_hash, S::claimed, true},
  };
}

}  // namespace

std::string fold_full_width(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c0 = static_cast<unsigned char>(text[i]);
    if (c0 == 0xEF && i + 2 < text.size()) {  // U+FF01..U+FF5E: EF BC 81..EF BD 9E
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      const auto c2 = static_cast<unsigned char>(text[i + 2]);
      const unsigned code = ((c0 & 0x0Fu) << 12) | ((c1 & 0x3Fu) << 6) | (c2 & 0x3Fu);
      if (code >= 0xFF01 && code <= 0xFF5E) {
        out.push_back(static_cast<char>(code - 0xFF01 + 0x21));
        i += 2;
        continue;
      }
    }
    if (c0 == 0xE3 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0x80) {  // U+3000 ideographic space
      out.push_back(' ');
      i += 2;
      continue;
    }
    out.push_back(static_cast<char>(c0));
  }
  return out;
}

IdentifierCatalog::IdentifierCatalog() {
  for (auto& type : builtin_types()) types_.emplace(type.name, type);
}

const IdentifierType* IdentifierCatalog::find(std::string_view name) const {
  const auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

bool IdentifierCatalog::add(IdentifierType type) {
  if (!is_type_name(type.name)) return false;
  types_.insert_or_assign(type.name, std::move(type));
  return true;
}

std::vector<IdentifierType> IdentifierCatalog::types() const {
  std::vector<IdentifierType> out;
  for (const auto& [name, type] : types_) out.push_back(type);
  return out;
}

std::optional<std::string> IdentifierCatalog::normalize_kind(NormalizerKind kind,
                                                             std::string_view raw) const {
  // Bytes that are not UTF-8 are no identifier of any kind (the fuzzer found e-mails whose
  // normal form changed again when normalised twice: the full-width folding read broken
  // sequences as characters).
  if (raw.size() > 512 || !is_valid_utf8(raw)) return std::nullopt;
  switch (kind) {
    case NormalizerKind::phone: {
      const auto folded = fold_full_width(raw);
      if (hooks_.phone) return hooks_.phone(folded, region_);
      return table_phone_e164(folded, region_);
    }
    case NormalizerKind::email:
      return email_with(raw, hooks_);
    case NormalizerKind::opaque:
    case NormalizerKind::opaque_lower: {
      const auto text = trim(raw);
      if (!is_opaque_id(text)) return std::nullopt;
      return kind == NormalizerKind::opaque ? std::string(text) : lower(text);
    }
    case NormalizerKind::digits:
      return digits_only(raw, 5, 20);
    case NormalizerKind::sip_uri:
      return sip_uri(raw);
    case NormalizerKind::scoped: {
      const auto text = trim(raw);
      const auto colon = text.find(':');
      if (!is_opaque_id(text) || colon == 0 || colon == std::string_view::npos ||
          colon + 1 >= text.size()) {
        return std::nullopt;
      }
      return std::string(text);
    }
    case NormalizerKind::keyed_hash: {
      if (!hooks_.keyed_hash) return std::nullopt;  // never store it in the clear
      std::string value;
      for (unsigned char c : fold_full_width(raw)) {
        if (std::isalnum(c)) value.push_back(static_cast<char>(std::toupper(c)));
        else if (c != ' ' && c != '-') return std::nullopt;
      }
      if (value.size() < 6 || value.size() > 32) return std::nullopt;
      return hooks_.keyed_hash(value);
    }
  }
  return std::nullopt;
}

std::optional<std::string> IdentifierCatalog::normalize(std::string_view type,
                                                        std::string_view raw) const {
  const auto* known = find(type);
  return normalize_kind(known ? known->kind : NormalizerKind::opaque, raw);
}

IdentifierCatalog& identifier_catalog() {
  static IdentifierCatalog catalog;
  return catalog;
}

std::optional<NormalizerKind> parse_normalizer_kind(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, NormalizerKind>, 8> kKinds{{
      {"phone", NormalizerKind::phone},
      {"email", NormalizerKind::email},
      {"opaque", NormalizerKind::opaque},
      {"opaque_lower", NormalizerKind::opaque_lower},
      {"digits", NormalizerKind::digits},
      {"sip_uri", NormalizerKind::sip_uri},
      {"scoped", NormalizerKind::scoped},
      {"keyed_hash", NormalizerKind::keyed_hash},
  }};
  for (const auto& [name, kind] : kKinds) {
    if (name == text) return kind;
  }
  return std::nullopt;
}

std::optional<std::vector<IdentifierType>> parse_identifier_types(std::string_view spec,
                                                                  std::string* bad_entry) {
  std::vector<IdentifierType> out;
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    const auto entry = trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    if (entry.empty()) continue;
    const auto first = entry.find(':');
    const auto second = first == std::string_view::npos ? first : entry.find(':', first + 1);
    std::optional<NormalizerKind> kind;
    std::string_view strength;
    if (second != std::string_view::npos) {
      kind = parse_normalizer_kind(entry.substr(first + 1, second - first - 1));
      strength = entry.substr(second + 1);
    }
    const auto name = entry.substr(0, first);
    if (!kind || !is_type_name(name) || (strength != "verified" && strength != "claimed")) {
      if (bad_entry) *bad_entry = std::string(entry);
      return std::nullopt;
    }
    out.push_back({std::string(name), *kind,
                   strength == "verified" ? Strength::verified : Strength::claimed, true});
  }
  return out;
}

std::optional<std::string> normalize_email(std::string_view raw) {
  return identifier_catalog().normalize_kind(NormalizerKind::email, raw);
}

std::optional<std::string> normalize_phone(std::string_view raw) {
  return identifier_catalog().normalize_kind(NormalizerKind::phone, raw);
}

bool is_web_identity_type(std::string_view type) {
  static constexpr std::array<std::string_view, 4> kTypes{"member_id", "email", "phone", "web_user"};
  return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
}

std::optional<std::string> normalize_identifier(std::string_view type, std::string_view raw) {
  return identifier_catalog().normalize(type, raw);
}

std::string mask_identifier(std::string_view type, std::string_view value) {
  const auto* known = identifier_catalog().find(type);
  const auto kind = known ? known->kind : NormalizerKind::opaque;
  if (kind == NormalizerKind::keyed_hash) return "********";
  if (kind == NormalizerKind::email) {
    const auto at = value.find('@');
    if (at == std::string_view::npos || at == 0) return "***";
    return std::string(value.substr(0, 1)) + "***" + std::string(value.substr(at));
  }
  if (kind == NormalizerKind::phone) {
    // +8613812345678 -> 138****5678: national significant number, middle hidden.
    std::string digits(value);
    if (digits.starts_with("+86")) digits = digits.substr(3);
    if (digits.size() >= 8) return digits.substr(0, 3) + "****" + digits.substr(digits.size() - 4);
    return "****";
  }
  if (value.size() <= 4) return "****";
  return std::string(value.substr(0, 2)) + "****" + std::string(value.substr(value.size() - 2));
}

namespace {  // the table-driven E.164 fallback (used when libphonenumber is not installed)

struct Region {
  std::string_view code;       // ISO 3166 alpha-2
  std::string_view calling;    // country calling code
  std::string_view trunk;      // national trunk prefix dropped in E.164
  std::size_t min_national;    // national significant number length
  std::size_t max_national;
};

constexpr std::array<Region, 17> kRegions{{
    {"CN", "86", "0", 9, 11},   {"HK", "852", "", 8, 8},   {"MO", "853", "", 8, 8},
    {"TW", "886", "0", 8, 9},   {"US", "1", "1", 10, 10},  {"CA", "1", "1", 10, 10},
    {"GB", "44", "0", 9, 10},   {"JP", "81", "0", 9, 10},  {"KR", "82", "0", 8, 10},
    {"SG", "65", "", 8, 8},     {"MY", "60", "0", 8, 10},  {"DE", "49", "0", 6, 13},
    {"FR", "33", "0", 9, 9},    {"AU", "61", "0", 9, 9},   {"IN", "91", "0", 10, 10},
    {"TH", "66", "0", 8, 9},    {"VN", "84", "0", 9, 10},
}};

const Region* region_of(std::string_view code) {
  for (const auto& region : kRegions) {
    if (region.code == code) return &region;
  }
  return nullptr;
}

// CN numbers: mobiles are 1[3-9] + 9 digits; landlines are an area code (10 for Beijing, else
// 2-3 digits starting 2-9) + 7-8 digits.
bool valid_cn(std::string_view national) {
  if (national.empty()) return false;
  if (national.starts_with("10")) return national.size() == 10;  // Beijing landline: 10 + 8 digits
  if (national[0] == '1') {
    return national.size() == 11 && national[1] >= '3' && national[1] <= '9';
  }
  return national[0] != '0' && national.size() >= 9 && national.size() <= 11;
}

bool valid_national(const Region& region, std::string_view national) {
  if (region.code == "CN") return valid_cn(national);
  return national.size() >= region.min_national && national.size() <= region.max_national &&
         national[0] != '0';
}

// International digits (no + / 00): the longest known calling code that fits, validated.
std::optional<std::string> international(std::string_view digits) {
  const Region* best = nullptr;
  for (const auto& region : kRegions) {
    if (digits.starts_with(region.calling) &&
        (!best || region.calling.size() > best->calling.size())) {
      best = &region;
    }
  }
  if (best) {
    if (!valid_national(*best, digits.substr(best->calling.size()))) return std::nullopt;
  } else if (digits.size() < 8 || digits.size() > 15 || digits[0] == '0') {
    return std::nullopt;
  }
  return "+" + std::string(digits);
}

}  // namespace

std::optional<std::string> table_phone_e164(std::string_view raw, std::string_view region_code) {
  std::string digits;
  bool plus = false;
  for (unsigned char c : raw) {
    if (std::isdigit(c)) {
      digits.push_back(static_cast<char>(c));
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '\t') {
      return std::nullopt;
    }
  }
  if (digits.size() < 5 || digits.size() > 17) return std::nullopt;
  if (plus) return international(digits);
  if (digits.starts_with("00")) return international(std::string_view(digits).substr(2));
  const auto* region = region_of(region_code);
  if (!region) return std::nullopt;
  std::string_view national = digits;
  if (!region->trunk.empty() && national.starts_with(region->trunk)) {
    national.remove_prefix(region->trunk.size());
  } else if (region->code == "CN" && national.starts_with("86") && national.size() == 13) {
    national.remove_prefix(2);  // 8613812345678 typed without the +
  }
  if (!valid_national(*region, national)) return std::nullopt;
  return "+" + std::string(region->calling) + std::string(national);
}

}  // namespace cc::domain
