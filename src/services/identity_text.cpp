#include <unicode/uidna.h>

#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"
#include "cc/services/identity_text.hpp"

namespace cc::services {

std::optional<std::string> idn_domain_to_ascii(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return std::nullopt;
  UErrorCode status = U_ZERO_ERROR;
  // One UTS #46 instance for the process: uidna_openUTS46 is costly and the object is immutable.
  static UIDNA* const idna = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII, &status);
  if (idna == nullptr) return std::nullopt;
  status = U_ZERO_ERROR;
  char out[256];
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  const auto length = uidna_nameToASCII_UTF8(idna, domain.data(), static_cast<int32_t>(domain.size()),
                                             out, sizeof out, &info, &status);
  if (U_FAILURE(status) || info.errors != 0 || length <= 0 || length >= static_cast<int32_t>(sizeof out)) {
    return std::nullopt;
  }
  return std::string(out, static_cast<std::size_t>(length));
}

std::string configure_identifier_catalog(domain::IdentifierCatalog& catalog,
                                         const IdentityTextOptions& options) {
  if (options.default_region.size() != 2 || !libphonenumber_e164("+8613812345678", "CN")) {
    return "identity.default_region must be an ISO 3166 alpha-2 code";
  }
  std::string bad;
  const auto extra = domain::parse_identifier_types(options.extra_types, &bad);
  if (!extra) return "identity.extra_types: bad entry '" + bad + "' (want name:kind:verified|claimed)";
  for (const auto& type : *extra) catalog.add(type);
  // A key of its own, so the national-id hashes do not share a key with anything else.
  const auto key = crypto::hmac_sha256(options.secret_key, "cc.identity.national_id.v1");
  domain::IdentifierHooks hooks;
  hooks.phone = [](std::string_view raw, std::string_view region) {
    return libphonenumber_e164(raw, region);
  };
  hooks.idn_to_ascii = [](std::string_view domain) { return idn_domain_to_ascii(domain); };
  hooks.keyed_hash = [key](std::string_view value) {
    return crypto::to_hex(crypto::hmac_sha256(key, value));
  };
  catalog.set_hooks(std::move(hooks));
  catalog.set_default_region(options.default_region);
  return {};
}

}  // namespace cc::services
