#pragma once
// Installs the identifier normalisers that need libraries domain/ must not link: libphonenumber
// (E.164, default region), ICU IDNA (e-mail domains to punycode) and the keyed hash of national
// ids (HMAC-SHA256 with the server secret). Called once by app/ before any thread starts.
#include <optional>
#include <string>
#include <string_view>

#include "cc/domain/identifiers.hpp"

namespace cc::services {

struct IdentityTextOptions {
  std::string default_region = "CN";
  std::string secret_key;   // server secret; the national-id hash key is derived from it
  std::string extra_types;  // "name:kind:strength,..." (identity.extra_types)
};

// Empty on success, else the message naming the bad setting.
std::string configure_identifier_catalog(domain::IdentifierCatalog& catalog,
                                         const IdentityTextOptions& options);

// libphonenumber's E.164 for `raw` in `region`; nullopt when it is not a valid number.
std::optional<std::string> libphonenumber_e164(std::string_view raw, std::string_view region);
// ICU UTS #46 to-ASCII of a domain; nullopt when ICU reports an error.
std::optional<std::string> idn_domain_to_ascii(std::string_view domain);

}  // namespace cc::services
