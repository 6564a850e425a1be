// SMS segment counting: GSM-7 (basic and extension table), UCS-2 in UTF-16 code units, and the
// boundaries where a message takes one more part.
#include "cc/channels/sms/sms_segments.hpp"

#include <gtest/gtest.h>

namespace sms = cc::channels::sms;

namespace {
std::string repeat(std::string_view unit, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}
}  // namespace

TEST(SmsSegments, EmptyTextTakesNoPart) {
  const auto count = sms::count_segments("");
  EXPECT_EQ(count.segments, 0u);
  EXPECT_EQ(count.encoding, sms::SmsEncoding::gsm7);
}

TEST(SmsSegments, Gsm7BoundariesAt160And306) {
  EXPECT_EQ(sms::count_segments(repeat("a", 160)).segments, 1u);
  EXPECT_EQ(sms::count_segments(repeat("a", 160)).per_segment, 160u);
  const auto over = sms::count_segments(repeat("a", 161));
  EXPECT_EQ(over.segments, 2u);
  EXPECT_EQ(over.per_segment, 153u);
  EXPECT_EQ(sms::count_segments(repeat("a", 306)).segments, 2u);
  EXPECT_EQ(sms::count_segments(repeat("a", 307)).segments, 3u);
  EXPECT_EQ(std::string(sms::encoding_name(over.encoding)), "GSM-7");
}

TEST(SmsSegments, Gsm7BasicTableIncludesAccentsAndGreekCapitals) {
  const auto count = sms::count_segments(
      "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà");
  EXPECT_EQ(count.encoding, sms::SmsEncoding::gsm7);
  EXPECT_EQ(count.units, count.characters);
}

TEST(SmsSegments, ExtensionCharactersTakeTwoSeptets) {
  const auto count = sms::count_segments("€^{}[]~\\|");
  EXPECT_EQ(count.encoding, sms::SmsEncoding::gsm7);
  EXPECT_EQ(count.characters, 9u);
  EXPECT_EQ(count.units, 18u);
  EXPECT_EQ(sms::count_segments(repeat("€", 80)).segments, 1u);  // 160 septets
  EXPECT_EQ(sms::count_segments(repeat("€", 80) + "a").segments, 2u);
  // 152 septets then an escape pair: the pair does not fit in part one's last septet.
  EXPECT_EQ(sms::count_segments(repeat("a", 152) + "{" + repeat("a", 151)).segments, 2u);
  EXPECT_EQ(sms::count_segments(repeat("a", 152) + "{" + repeat("a", 152)).segments, 3u);
}

TEST(SmsSegments, ChineseIsUcs2WithBoundariesAt70And134) {
  EXPECT_EQ(sms::count_segments(repeat("中", 70)).segments, 1u);
  const auto count = sms::count_segments(repeat("中", 71));
  EXPECT_EQ(count.encoding, sms::SmsEncoding::ucs2);
  EXPECT_EQ(count.segments, 2u);
  EXPECT_EQ(count.per_segment, 67u);
  EXPECT_EQ(count.characters, 71u);
  EXPECT_EQ(sms::count_segments(repeat("中", 134)).segments, 2u);
  EXPECT_EQ(sms::count_segments(repeat("中", 135)).segments, 3u);
  EXPECT_EQ(std::string(sms::encoding_name(count.encoding)), "UCS-2");
}

TEST(SmsSegments, OneNonGsmCharacterMakesTheWholeTextUcs2) {
  const auto count = sms::count_segments(repeat("a", 69) + "`");
  EXPECT_EQ(count.encoding, sms::SmsEncoding::ucs2);
  EXPECT_EQ(count.segments, 1u);
  EXPECT_EQ(sms::count_segments(repeat("a", 70) + "中").segments, 2u);
}

TEST(SmsSegments, EmojiTakeTwoUtf16UnitsAndAreNeverSplit) {
  const auto one = sms::count_segments("😀");
  EXPECT_EQ(one.characters, 1u);
  EXPECT_EQ(one.units, 2u);
  EXPECT_EQ(sms::count_segments(repeat("😀", 35)).segments, 1u);  // 70 units
  EXPECT_EQ(sms::count_segments(repeat("😀", 36)).segments, 2u);
  // 66 units then a surrogate pair: the pair starts part two.
  EXPECT_EQ(sms::count_segments(repeat("中", 66) + "😀" + repeat("中", 65)).segments, 2u);
  EXPECT_EQ(sms::count_segments(repeat("中", 66) + "😀" + repeat("中", 66)).segments, 3u);
}

TEST(SmsSegments, InvalidUtf8CountsAsReplacementCharacters) {
  const auto count = sms::count_segments(std::string("ab\xff\xc3", 4));
  EXPECT_EQ(count.encoding, sms::SmsEncoding::ucs2);
  EXPECT_EQ(count.characters, 4u);
}
