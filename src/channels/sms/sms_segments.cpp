#include "cc/channels/sms/sms_segments.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace cc::channels::sms {
namespace {

// The non-ASCII characters of the GSM 03.38 default alphabet.
constexpr std::array<char32_t, 39> kGsmBasicNonAscii{
    0x00A3, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7, 0x00D8, 0x00F8,
    0x00C5, 0x00E5, 0x0394, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8, 0x03A3,
    0x0398, 0x039E, 0x00C6, 0x00E6, 0x00DF, 0x00C9, 0x00A4, 0x00A1, 0x00C4, 0x00D6,
    0x00D1, 0x00DC, 0x00A7, 0x00BF, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0};
constexpr char32_t kEuro = 0x20AC;
constexpr std::string_view kAsciiExtension = "^{}\\[~]|";

// Septets a character takes in GSM-7: 1 (basic), 2 (extension, after ESC), 0 (not GSM-7).
int gsm_septets(char32_t c) {
  if (c == '\n' || c == '\r') return 1;
  if (c == '\f' || c == kEuro) return 2;
  if (c >= 0x20 && c < 0x7F) {
    if (c == '`') return 0;
    return kAsciiExtension.find(static_cast<char>(c)) == std::string_view::npos ? 1 : 2;
  }
  return std::find(kGsmBasicNonAscii.begin(), kGsmBasicNonAscii.end(), c) != kGsmBasicNonAscii.end()
             ? 1
             : 0;
}

// Decodes UTF-8; a malformed sequence yields U+FFFD and consumes one byte.
std::vector<char32_t> decode_utf8(std::string_view text) {
  std::vector<char32_t> out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    int length = 0;
    char32_t code = 0;
    if (lead < 0x80) {
      length = 1;
      code = lead;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      code = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      code = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      code = lead & 0x07;
    }
    bool ok = length > 0 && i + static_cast<std::size_t>(length) <= text.size();
    for (int k = 1; ok && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((next & 0xC0) != 0x80) ok = false;
      code = (code << 6) | (next & 0x3F);
    }
    if (ok && ((length == 3 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) ||
               (length == 4 && (code < 0x10000 || code > 0x10FFFF)))) {
      ok = false;
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(code);
    i += static_cast<std::size_t>(length);
  }
  return out;
}

// Packs characters of the given costs into parts of `per_part` units without splitting one.
std::size_t pack(const std::vector<int>& costs, std::size_t per_part) {
  std::size_t parts = 1;
  std::size_t used = 0;
  for (const int cost : costs) {
    if (used + static_cast<std::size_t>(cost) > per_part) {
      ++parts;
      used = 0;
    }
    used += static_cast<std::size_t>(cost);
  }
  return parts;
}

}  // namespace

SegmentCount count_segments(std::string_view utf8) {
  const auto characters = decode_utf8(utf8);
  SegmentCount count;
  count.characters = characters.size();
  std::vector<int> costs;
  costs.reserve(characters.size());
  bool gsm = true;
  for (const char32_t c : characters) {
    const int septets = gsm_septets(c);
    if (septets == 0) {
      gsm = false;
      break;
    }
    costs.push_back(septets);
  }
  if (!gsm) {
    costs.clear();
    for (const char32_t c : characters) costs.push_back(c > 0xFFFF ? 2 : 1);
  }
  count.encoding = gsm ? SmsEncoding::gsm7 : SmsEncoding::ucs2;
  const std::size_t single = gsm ? 160 : 70;
  const std::size_t multi = gsm ? 153 : 67;
  for (const int cost : costs) count.units += static_cast<std::size_t>(cost);
  if (count.units == 0) {
    count.per_segment = single;
  } else if (count.units <= single) {
    count.segments = 1;
    count.per_segment = single;
  } else {
    count.segments = pack(costs, multi);
    count.per_segment = multi;
  }
  return count;
}

const char* encoding_name(SmsEncoding encoding) {
  return encoding == SmsEncoding::gsm7 ? "GSM-7" : "UCS-2";
}

}  // namespace cc::channels::sms
