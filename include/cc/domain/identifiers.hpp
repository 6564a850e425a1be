#pragma once
// Normalisers for the identifiers the foundation resolves. The identity issue extends this set.
#include <optional>
#include <string>
#include <string_view>

namespace cc::domain {

// Trimmed, lower-cased; nullopt when it is not an address (one @, a dot-free local part allowed).
std::optional<std::string> normalize_email(std::string_view raw);
// Digits with an optional leading +; spaces, dashes, dots and brackets dropped.
std::optional<std::string> normalize_phone(std::string_view raw);
// Identifier types a web chat host site may vouch for with an HMAC signature.
bool is_web_identity_type(std::string_view type);
// Normalises a value of the given type; nullopt when it does not fit the type.
std::optional<std::string> normalize_identifier(std::string_view type, std::string_view raw);

}  // namespace cc::domain
