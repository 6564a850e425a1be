#include <gtest/gtest.h>

#include <string>

#include "cc/routing/normalizer.hpp"
#include "cc/routing/opencc_converter.hpp"
#include "cc/routing/unicode.hpp"

namespace cc::routing {
namespace {

std::shared_ptr<const ChineseConverter> opencc() {
  std::string error;
  auto converter = open_opencc_converter(kOpenccT2sConfig, &error);
  EXPECT_NE(converter, nullptr) << error;
  return converter;
}

TEST(RoutingNormalizer, FoldsFullWidthAsciiAndIdeographicSpace) {
  EXPECT_EQ(fold_text("ＡＢＣ１２３！"), "abc123!");
  EXPECT_EQ(fold_text("订单\u3000号"), "订单 号");
}

TEST(RoutingNormalizer, FoldsCaseOfLatinGreekAndCyrillic) {
  EXPECT_EQ(fold_text("Hello WORLD Ünïcode ΣΑΣ ПРИВЕТ"), "hello world ünïcode σασ привет");
}

TEST(RoutingNormalizer, CollapsesAndTrimsWhiteSpace) {
  EXPECT_EQ(fold_text("  a \t\n b\u00A0\u2003c  "), "a b c");
  EXPECT_EQ(fold_text("   "), "");
}

TEST(RoutingNormalizer, DropsZeroWidthAndControlCharacters) {
  EXPECT_EQ(fold_text("fu\u200Bck\x01"), "fuck");
}

TEST(RoutingNormalizer, ReplacesInvalidUtf8) {
  EXPECT_EQ(fold_text(std::string("a\xff"
                                  "b\xe4\xb8")),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  std::string overlong = "\xC0\xAF";  // an overlong '/', not UTF-8
  std::size_t pos = 0;
  EXPECT_EQ(decode_utf8(overlong, pos), kReplacementChar);
  EXPECT_EQ(pos, 1u);
}

TEST(RoutingNormalizer, ConvertsTraditionalToSimplifiedWithOpencc) {
  const TextNormalizer normalizer(opencc());
  EXPECT_EQ(normalizer.normalize("我要退貨，訂單號碼是ＡＢ１２３"), "我要退货,订单号码是ab123");
  EXPECT_EQ(normalizer.normalize("發票  開立"), "发票 开立");
}

TEST(RoutingNormalizer, WithoutConverterChineseIsKept) {
  const TextNormalizer normalizer;
  EXPECT_EQ(normalizer.normalize("退貨"), "退貨");
}

TEST(RoutingNormalizer, MappedKeepsOriginalByteOffsets) {
  const TextNormalizer normalizer(opencc());
  const std::string text =
      "Ａ 傻\u200B逼";  // full-width A (3 bytes), space, 2 Han with a zero-width between
  const auto mapped = normalizer.normalize_mapped(text);
  ASSERT_EQ(mapped.size(), 4u);  // the zero-width space is dropped
  EXPECT_EQ(mapped[0].cp, U'a');
  EXPECT_EQ(mapped[0].begin, 0u);
  EXPECT_EQ(mapped[0].end, 3u);
  EXPECT_EQ(mapped[1].cp, U' ');
  EXPECT_EQ(mapped[2].cp, U'傻');
  EXPECT_EQ(mapped[2].begin, 4u);
  EXPECT_EQ(mapped[3].begin, 10u);
  EXPECT_EQ(mapped[3].end, text.size());
}

// A converter whose whole-text answer changes length forces the per-character path.
class LengthChangingConverter final : public ChineseConverter {
 public:
  std::string convert(std::string_view utf8) const override {
    if (utf8 == "貨") return "货";
    return std::string(utf8) + "!";
  }
};

TEST(RoutingNormalizer, MappedFallsBackToPerCharacterConversion) {
  const TextNormalizer normalizer(std::make_shared<LengthChangingConverter>());
  const auto mapped = normalizer.normalize_mapped("退貨");
  ASSERT_EQ(mapped.size(), 2u);
  EXPECT_EQ(mapped[1].cp, U'货');
  EXPECT_EQ(mapped[1].begin, 3u);
}

TEST(RoutingNormalizer, MissingOpenccConfigIsReported) {
  std::string error;
  EXPECT_EQ(open_opencc_converter("/nonexistent/t2s.json", &error), nullptr);
  EXPECT_NE(error.find("/nonexistent/t2s.json"), std::string::npos);
}

}  // namespace
}  // namespace cc::routing
