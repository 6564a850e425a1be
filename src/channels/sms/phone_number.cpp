#include "cc/channels/sms/phone_number.hpp"

#include <algorithm>

namespace cc::channels::sms {
namespace {

constexpr std::size_t kMinDigits = 7;   // shorter numbers are short codes, not E.164
constexpr std::size_t kMaxDigits = 15;  // E.164's maximum

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// ASCII digits and '+'; full-width forms (U+FF10..FF19, U+FF0B) folded; separators dropped.
std::optional<std::string> fold(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (is_digit(static_cast<char>(c)) || c == '+') {
      out += static_cast<char>(c);
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t') {
      continue;
    } else if (c == 0xEF && i + 2 < raw.size() && static_cast<unsigned char>(raw[i + 1]) == 0xBC) {
      const auto last = static_cast<unsigned char>(raw[i + 2]);  // U+FF00 + (last - 0x80)
      if (last >= 0x90 && last <= 0x99)
        out += static_cast<char>('0' + (last - 0x90));
      else if (last == 0x8B)
        out += '+';
      else if (last == 0x8D || last == 0x88 || last == 0x89) { /* full-width - ( ) */
      } else
        return std::nullopt;
      i += 2;
    } else if (c == 0xE3 && i + 2 < raw.size() && static_cast<unsigned char>(raw[i + 1]) == 0x80 &&
               static_cast<unsigned char>(raw[i + 2]) == 0x80) {
      i += 2;  // U+3000 ideographic space
    } else {
      return std::nullopt;
    }
  }
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

}  // namespace

std::optional<std::string> normalize_e164(std::string_view raw,
                                          std::string_view default_country_code) {
  if (raw.size() > 64) return std::nullopt;
  auto folded = fold(raw);
  if (!folded || folded->empty()) return std::nullopt;
  std::string digits;
  if (folded->front() == '+') {
    digits = folded->substr(1);
  } else if (folded->starts_with("00")) {
    digits = folded->substr(2);
  } else {
    if (default_country_code.starts_with('+')) default_country_code.remove_prefix(1);
    if (!all_digits(default_country_code) || default_country_code.size() > 3) return std::nullopt;
    std::string_view national = *folded;
    if (national.starts_with('0')) national.remove_prefix(1);  // the national trunk prefix
    digits = std::string(default_country_code) + std::string(national);
  }
  if (!all_digits(digits) || digits.front() == '0') return std::nullopt;
  if (digits.size() < kMinDigits || digits.size() > kMaxDigits) return std::nullopt;
  return "+" + digits;
}

}  // namespace cc::channels::sms
