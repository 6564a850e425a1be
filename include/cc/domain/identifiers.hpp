#pragma once
// Customer identifiers: the catalogue of types (name, normaliser kind, default strength), their
// normalisers and display masking. Pure: the phone library, IDNA (ICU) and the keyed hash are
// hooks that app/ installs at start-up (src/services/identity_text.cpp); without them a built-in
// table-driven phone normaliser and ASCII-only e-mail domains are used, and national ids refuse.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cc::domain {

// How a type's raw value becomes its stored form.
enum class NormalizerKind {
  phone,        // E.164 (+8613812345678); default region for national numbers
  email,        // trimmed, lower-cased, IDN domain in punycode
  opaque,       // trimmed token of [A-Za-z0-9-_.:@], case kept (openids, visitor ids, CRM ids)
  opaque_lower, // as opaque, lower-cased (member numbers typed by people)
  digits,       // ASCII digits only after folding full-width and dropping spaces/dashes (QQ)
  sip_uri,      // sip:user@host, scheme and host lower-cased, params dropped
  scoped,       // "<scope>:<id>", e.g. wechat_openid scoped to its official account's app id
  keyed_hash,   // stored only as HMAC-SHA256(secret, normalised value), hex (national id)
};

enum class Strength { claimed, verified };

struct IdentifierType {
  std::string name;
  NormalizerKind kind = NormalizerKind::opaque;
  Strength strength = Strength::claimed;  // what a channel that proves nothing may assume
  bool pii = true;                        // masked for agents without the PII permission
};

// Hooks into libraries domain/ must not link. All optional; installed once before threads start.
struct IdentifierHooks {
  // raw text -> E.164, or nullopt when not a valid number in `region` (ISO 3166 alpha-2).
  std::function<std::optional<std::string>(std::string_view raw, std::string_view region)> phone;
  // Unicode domain -> ASCII (punycode) domain, or nullopt when not a valid IDN.
  std::function<std::optional<std::string>(std::string_view domain)> idn_to_ascii;
  // HMAC-SHA256(server secret, value), lower-case hex.
  std::function<std::string(std::string_view value)> keyed_hash;
};

// The identifier types the server knows: built-ins plus types added by configuration.
class IdentifierCatalog {
 public:
  IdentifierCatalog();  // the built-in types
  const IdentifierType* find(std::string_view name) const;
  // Adds or replaces a type (configuration). Names are 1-32 of [a-z0-9_].
  bool add(IdentifierType type);
  std::vector<IdentifierType> types() const;
  void set_hooks(IdentifierHooks hooks) { hooks_ = std::move(hooks); }
  void set_default_region(std::string region) { region_ = std::move(region); }
  const std::string& default_region() const { return region_; }
  // The stored form of a value of `type`, or nullopt when the type is unknown to the catalogue
  // and not a plain opaque token, or the value does not fit the type.
  std::optional<std::string> normalize(std::string_view type, std::string_view raw) const;
  std::optional<std::string> normalize_kind(NormalizerKind kind, std::string_view raw) const;

 private:
  std::map<std::string, IdentifierType, std::less<>> types_;
  IdentifierHooks hooks_;
  std::string region_ = "CN";
};

// The process-wide catalogue the channel adapters normalise with; app/ configures it at start-up.
IdentifierCatalog& identifier_catalog();

// Parses "name:kind:strength[,...]" (configuration) into types; nullopt names the bad entry.
std::optional<std::vector<IdentifierType>> parse_identifier_types(std::string_view spec,
                                                                  std::string* bad_entry = nullptr);
std::optional<NormalizerKind> parse_normalizer_kind(std::string_view text);

// Folds full-width ASCII (U+FF01..U+FF5E) and the ideographic space to ASCII; other UTF-8 is kept.
std::string fold_full_width(std::string_view text);
// Table-driven E.164 for CN and common regions (used when the phone hook is not installed).
std::optional<std::string> table_phone_e164(std::string_view raw, std::string_view region);

// Trimmed, lower-cased; nullopt when it is not an address (one @, a dot-free local part allowed).
std::optional<std::string> normalize_email(std::string_view raw);
// E.164 through the catalogue (hook or table, default region).
std::optional<std::string> normalize_phone(std::string_view raw);
// Identifier types a web chat host site may vouch for with an HMAC signature.
bool is_web_identity_type(std::string_view type);
// Normalises a value of the given type with the process-wide catalogue.
std::optional<std::string> normalize_identifier(std::string_view type, std::string_view raw);
// What an agent without the PII permission sees: 138****5678, a***@example.com, ab****yz.
std::string mask_identifier(std::string_view type, std::string_view value);

}  // namespace cc::domain
