// libFuzzer target over the parsers this project wrote itself for outside input: visitor tokens,
// identifier normalisers, UTF-8 validation, cursors, timestamps and base64/hex. (HTTP framing is
// Beast's, JSON nlohmann's: their own projects fuzz them.) Each parser must return or refuse, never
// crash, and its output must keep the parser's own promises, checked below.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cc/channels/webchat/visitor_token.hpp"
#include "cc/crypto/encoding.hpp"
#include "cc/domain/cursor.hpp"
#include "cc/domain/identifiers.hpp"
#include "cc/domain/text_limits.hpp"
#include "cc/domain/time_format.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  (void)cc::channels::webchat::verify_visitor_token(input, "fuzz-secret-0123456789abcdef0123", 0);

  for (const char* type : {"email", "phone", "member_id"}) {
    if (auto value = cc::domain::normalize_identifier(type, input)) {
      // A phone may gain its country code (+86 for the default region), nothing more.
      require(!value->empty() && value->size() <= input.size() + 4);
      require(cc::domain::normalize_identifier(type, *value) == value);  // idempotent
    }
  }

  const bool utf8 = cc::domain::is_valid_utf8(input);
  const auto preview = cc::domain::preview_of(input, 40);
  require(preview.size() <= 40);
  if (utf8) require(cc::domain::is_valid_utf8(preview));

  if (auto id = cc::domain::decode_cursor(input)) require(cc::domain::decode_cursor(cc::domain::encode_cursor(*id)) == id);
  if (auto time = cc::domain::parse_time(input)) (void)cc::domain::format_time(*time);

  if (auto decoded = cc::crypto::base64_decode(input)) {
    require(cc::crypto::base64_decode(cc::crypto::base64_encode(*decoded)) == decoded);
  }
  if (auto bytes = cc::crypto::from_hex(input)) require(cc::crypto::from_hex(cc::crypto::to_hex(*bytes)) == bytes);
  return 0;
}
