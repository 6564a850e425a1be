#include <gtest/gtest.h>

#include "cc/domain/access.hpp"
#include "cc/domain/cursor.hpp"
#include "cc/domain/identifiers.hpp"
#include "cc/domain/text_limits.hpp"
#include "cc/domain/time_format.hpp"

namespace cc::domain {
namespace {

TEST(Cursor, RoundTripsIds) {
  for (Id id : {Id{1}, Id{42}, Id{9'000'000'000'000}}) {
    const auto cursor = encode_cursor(id);
    ASSERT_EQ(decode_cursor(cursor), id) << cursor;
  }
}

TEST(Cursor, RejectsWhatItDidNotIssue) {
  EXPECT_FALSE(decode_cursor(""));
  EXPECT_FALSE(decode_cursor("42"));
  EXPECT_FALSE(decode_cursor("c"));
  EXPECT_FALSE(decode_cursor("c-5"));
  EXPECT_FALSE(decode_cursor("c12$"));
  EXPECT_FALSE(decode_cursor("czzzzzzzzzzzzzzzzzzzzzz"));
}

TEST(PageSize, ClampsIntoRange) {
  EXPECT_EQ(clamp_page_size(std::nullopt), 50);
  EXPECT_EQ(clamp_page_size(0), 50);
  EXPECT_EQ(clamp_page_size(10), 10);
  EXPECT_EQ(clamp_page_size(10'000), 200);
}

TEST(Email, NormalisesCaseAndSpace) {
  EXPECT_EQ(normalize_email("  Alice@Example.COM "), "alice@example.com");
  EXPECT_FALSE(normalize_email("no-at-sign"));
  EXPECT_FALSE(normalize_email("two@@example.com"));
  EXPECT_FALSE(normalize_email("@example.com"));
  EXPECT_FALSE(normalize_email("a b@example.com"));
}

TEST(Phone, DropsSeparatorsKeepsPlus) {
  EXPECT_EQ(normalize_phone("+86 138-0013-8000"), "+8613800138000");
  EXPECT_EQ(normalize_phone("(010) 6552.9988"), "+861065529988");  // CN is the default region
  EXPECT_FALSE(normalize_phone("12"));
  EXPECT_FALSE(normalize_phone("138 abc"));
  EXPECT_FALSE(normalize_phone("1+38000"));
}

TEST(Identifiers, OpaqueIdsAreBounded) {
  EXPECT_EQ(normalize_identifier("member_id", " M-1001 "), "M-1001");
  EXPECT_FALSE(normalize_identifier("member_id", "has space"));
  EXPECT_FALSE(normalize_identifier("member_id", std::string(200, 'a')));
  EXPECT_TRUE(is_web_identity_type("email"));
  EXPECT_FALSE(is_web_identity_type("wechat_openid"));
}

TEST(Utf8, AcceptsValidAndRefusesBrokenSequences) {
  EXPECT_TRUE(is_valid_utf8("hello"));
  EXPECT_TRUE(is_valid_utf8("你好，世界"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));      // emoji
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));             // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));         // surrogate
  EXPECT_FALSE(is_valid_utf8("\xE4\xBD"));             // truncated
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));     // past U+10FFFF
}

TEST(Preview, CutsOnCharacterBoundaryAndFlattensLines) {
  const std::string text = "你好你好";  // 3 bytes each
  EXPECT_EQ(preview_of(text, 7), "你好");
  EXPECT_EQ(preview_of("a\nb\tc", 10), "a b c");
  EXPECT_TRUE(is_valid_utf8(preview_of(text, 5)));
}

TEST(Time, FormatsIsoUtcWithMillis) {
  const TimePoint t = TimePoint(std::chrono::milliseconds(1'700'000'000'123));
  EXPECT_EQ(format_time(t), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(parse_time("2023-11-14T22:13:20.123Z"), t);
  EXPECT_EQ(parse_time("2023-11-14T22:13:20+00:00"), TimePoint(std::chrono::seconds(1'700'000'000)));
  EXPECT_FALSE(parse_time("2023-11-14 22:13:20"));
  EXPECT_FALSE(parse_time("2023-13-14T22:13:20Z"));
  EXPECT_FALSE(parse_time("1011-11-14T22:13:20Z")) << "found by the fuzzer: overflowed the clock";
  EXPECT_FALSE(parse_time("9999-01-01T00:00:00Z"));
}

TEST(Enums, ParseTheirOwnNames) {
  for (auto channel : {Channel::webchat, Channel::wechat, Channel::sms, Channel::email, Channel::voice, Channel::api}) {
    EXPECT_EQ(parse_channel(to_string(channel)), channel);
  }
  EXPECT_FALSE(parse_channel("fax"));
  EXPECT_EQ(parse_role("supervisor"), Role::supervisor);
  EXPECT_FALSE(parse_agent_status("busy"));
}

TEST(Access, AgentsSeeTheirsAndTheQueue) {
  const Principal agent{7, Role::agent, ""};
  Conversation conversation;
  conversation.status = ConversationStatus::queued;
  EXPECT_TRUE(can_view_conversation(agent, conversation));
  conversation.status = ConversationStatus::open;
  conversation.assignee_id = 8;
  EXPECT_FALSE(can_view_conversation(agent, conversation));
  conversation.assignee_id = 7;
  EXPECT_TRUE(can_view_conversation(agent, conversation));
  conversation.assignee_id = 8;
  EXPECT_TRUE(can_view_conversation(Principal{1, Role::supervisor, ""}, conversation));
}

}  // namespace
}  // namespace cc::domain
