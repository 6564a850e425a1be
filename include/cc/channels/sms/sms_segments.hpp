#pragma once
// How many SMS parts a text takes. GSM-7 when every character is in the GSM 03.38 default
// alphabet or its extension table (extension characters take two septets): 160 septets in one
// part, 153 per part of a longer message. Otherwise UCS-2, counted in UTF-16 code units (an
// emoji or other astral character takes two): 70 in one part, 67 per part. An escape pair or a
// surrogate pair is never split across parts, as handsets and carriers do. Pure.
#include <cstddef>
#include <string_view>

namespace cc::channels::sms {

enum class SmsEncoding { gsm7, ucs2 };

struct SegmentCount {
  SmsEncoding encoding = SmsEncoding::gsm7;
  std::size_t characters = 0;  // Unicode code points
  std::size_t units = 0;       // septets (GSM-7) or UTF-16 code units (UCS-2)
  std::size_t segments = 0;    // 0 for an empty text
  std::size_t per_segment = 160;
};

// Invalid UTF-8 bytes count as U+FFFD (which forces UCS-2).
SegmentCount count_segments(std::string_view utf8);
const char* encoding_name(SmsEncoding encoding);  // "GSM-7" / "UCS-2"

}  // namespace cc::channels::sms
