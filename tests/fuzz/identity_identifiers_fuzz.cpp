// libFuzzer target over the identifier catalogue: every normaliser kind, the table-driven E.164
// fallback, full-width folding, the type-spec parser and masking. Each must return or refuse,
// never crash; a phone it accepts is +digits (8 to 15), an e-mail it accepts has one @ and no
// upper-case ASCII, and normalising an accepted value again gives the same value.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cc/domain/identifiers.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const cc::domain::IdentifierCatalog catalog;
  (void)cc::domain::fold_full_width(input);
  (void)cc::domain::parse_identifier_types(input);
  for (const auto& type : catalog.types()) {
    const auto value = catalog.normalize(type.name, input);
    if (!value) continue;
    (void)cc::domain::mask_identifier(type.name, *value);
    require(catalog.normalize(type.name, *value) == value);
  }
  if (const auto phone = catalog.normalize("phone", input)) {
    require(phone->size() >= 9 && phone->size() <= 16 && (*phone)[0] == '+');
    for (std::size_t i = 1; i < phone->size(); ++i) require(std::isdigit(static_cast<unsigned char>((*phone)[i])));
  }
  if (const auto email = catalog.normalize("email", input)) {
    require(email->find('@') != std::string::npos && email->find('@') == email->rfind('@'));
    for (char c : *email) require(!(c >= 'A' && c <= 'Z'));
  }
  return 0;
}
