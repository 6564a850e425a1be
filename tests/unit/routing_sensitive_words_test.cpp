#include <gtest/gtest.h>

#include "cc/routing/opencc_converter.hpp"
#include "cc/routing/sensitive_words.hpp"

namespace cc::routing {
namespace {

SensitiveWordMatcher matcher() {
  std::string error;
  auto normalizer =
      std::make_shared<const TextNormalizer>(open_opencc_converter(kOpenccT2sConfig, &error));
  return SensitiveWordMatcher({{"fuck", "profanity"},
                               {"傻逼", "profanity"},
                               {"shit", "profanity"},
                               {"信用卡号", "pii"},
                               {"he", "test"},
                               {"hers", "test"},
                               {"", "empty"}},
                              normalizer);
}

std::vector<std::string> matched_text(std::string_view text,
                                      const std::vector<SensitiveMatch>& matches) {
  std::vector<std::string> out;
  for (const auto& m : matches) out.emplace_back(text.substr(m.begin, m.end - m.begin));
  return out;
}

TEST(RoutingSensitiveWords, FindsPlainWordsWithOffsets) {
  const std::string text = "you fuck off";
  const auto matches = matcher().find(text);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].begin, 4u);
  EXPECT_EQ(matches[0].end, 8u);
  EXPECT_EQ(matcher().words()[matches[0].word_index].category, "profanity");
}

TEST(RoutingSensitiveWords, MatchesThroughInsertedSeparators) {
  for (const std::string text :
       {"f.u.c.k", "f u c k", "F-U-C-K!", "f_u*c#k", "f\u200Bu\u200Bck", "fu😀ck"}) {
    const auto matches = matcher().find(text);
    ASSERT_EQ(matches.size(), 1u) << text;
    EXPECT_EQ(matches[0].begin, 0u) << text;
  }
  EXPECT_EQ(matched_text("你个傻 逼啊", matcher().find("你个傻 逼啊")),
            std::vector<std::string>{"傻 逼"});
  EXPECT_EQ(matcher().find("傻，逼").size(), 1u);
  EXPECT_EQ(matcher().find("傻\u3000逼").size(), 1u);
}

TEST(RoutingSensitiveWords, MatchesFullWidthUpperCaseTraditionalAndLookAlikes) {
  const std::string full_width = "ＦＵＣＫ you";
  const auto matches = matcher().find(full_width);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].begin, 0u);
  EXPECT_EQ(matches[0].end, 12u);  // four 3-byte characters
  EXPECT_EQ(matcher().find("what the FuCk").size(), 1u);
  EXPECT_EQ(matcher().find("sh1t").size(), 1u);
  EXPECT_EQ(matcher().find("$hit").size(), 1u);
  EXPECT_EQ(matcher().find("我的信用卡號是").size(), 1u);  // Traditional 號
}

TEST(RoutingSensitiveWords, LatinWordsDoNotMatchInsideOtherWords) {
  EXPECT_TRUE(matcher().find("this hit the target").empty());  // "s hit" is not "shit"
  EXPECT_TRUE(matcher().find("the theme").empty());            // "he" inside words
  EXPECT_EQ(matcher().find("he said").size(), 1u);
}

TEST(RoutingSensitiveWords, ReportsOverlappingMatches) {
  const auto matches = matcher().find("hers");
  ASSERT_EQ(matches.size(), 1u);  // "he" continues into "rs": not a whole word
  EXPECT_EQ(matcher().words()[matches[0].word_index].text, "hers");
  SensitiveWordMatcher cjk({{"傻逼"}, {"逼"}}, nullptr);
  EXPECT_EQ(cjk.find("傻逼").size(), 2u);
}

TEST(RoutingSensitiveWords, SkipsEmptyAndOverlongWords) {
  const auto m = matcher();
  ASSERT_EQ(m.skipped().size(), 1u);
  EXPECT_EQ(m.skipped()[0], 6u);
  SensitiveWordMatcher long_words({{std::string(100, 'a')}, {"..."}}, nullptr);
  EXPECT_EQ(long_words.skipped().size(), 2u);
  EXPECT_TRUE(long_words.find(std::string(200, 'a')).empty());
}

TEST(RoutingSensitiveWords, MaskReplacesOriginalSpans) {
  const std::string text = "Hey f.u.c.k you, 傻 逼!";
  const auto masked = mask_spans(text, matcher().find(text));
  EXPECT_EQ(masked, "Hey *** you, ***!");
}

TEST(RoutingSensitiveWords, MaskMergesOverlapsAndIgnoresBadSpans) {
  EXPECT_EQ(mask_spans("abcdef", {{1, 3, 0}, {2, 5, 0}}), "a***f");
  EXPECT_EQ(mask_spans("abc", {{1, 9, 0}, {2, 2, 0}}), "abc");
  EXPECT_EQ(mask_spans("abc", {}), "abc");
  EXPECT_EQ(mask_spans("abcdef", {{0, 2, 0}, {2, 4, 0}}, "#"), "##ef");
}

TEST(RoutingSensitiveWords, InvalidUtf8DoesNotBreakOffsets) {
  const std::string text = std::string("\xff\xfe") + "fuck";
  const auto matches = matcher().find(text);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].begin, 2u);
  EXPECT_EQ(matches[0].end, text.size());
}

}  // namespace
}  // namespace cc::routing
