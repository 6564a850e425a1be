// The bot turn loop inside RoutingEngine::route and the rule actions that write (tags, notify
// supervisor, spam block), plus BotService: FAQ refresh by revision, suggestions, sensitive-word
// masking and compliance flags. All over in-memory fakes.
#include "routing_test_support.hpp"

namespace cc::services {
namespace {

using namespace cc::services::testing;

const char* kBotDocument = R"({
  "rules": [
    {"name": "spam", "when": "text MATCHES \"(?i)casino\"", "actions": {"block": true}},
    {"name": "complaint", "when": "text CONTAINS 'lawyer'", "steps": [{"queue": "escalations"}],
     "actions": {"tags": ["legal"], "notify_supervisor": true}},
    {"name": "bot", "when": "channel == 'webchat'", "steps": [{"queue": "general"}],
     "actions": {"bot_first": true}}
  ],
  "default": {"steps": [{"queue": "general"}]}
})";

void add_faq(Harness& h) {
  FaqEntry hours{"", {"What are your opening hours?", "营业时间是几点", "when are you open"},
                 {{"en", "We are open 9:00-18:00."}, {"zh", "营业时间9点到18点。"}}, {"hours"}};
  FaqEntry refund{"", {"How do I get a refund?", "怎么退款"}, {{"*", "Refunds within 7 days."}}, {}};
  ASSERT_TRUE(run(h.io, h.bot.save_faq(std::nullopt, hours)));
  ASSERT_TRUE(run(h.io, h.bot.save_faq(std::nullopt, refund)));
}

IngestResult message(domain::Id customer, domain::Id conversation, std::string text, bool created = false) {
  auto result = inbound(customer, std::move(text), created);
  result.conversation.id = conversation;
  return result;
}

TEST(RoutingBotLoop, FaqQuestionIsAnsweredByTheBotAndNotQueued) {
  Harness h;
  h.activate(kBotDocument);
  add_faq(h);
  auto decision = run(h.io, h.engine.route(message(3, 60, "when are you open today?", true)));
  EXPECT_EQ(decision.kind, RoutingDecision::Kind::bot_answered);
  EXPECT_FALSE(decision.plan);
  ASSERT_EQ(h.bot_sent.size(), 1u);
  EXPECT_EQ(h.bot_sent[0].second, "We are open 9:00-18:00.");
  decision = run(h.io, h.engine.route(message(3, 60, "你们营业时间是几点")));
  EXPECT_EQ(decision.kind, RoutingDecision::Kind::bot_answered);
  EXPECT_EQ(h.bot_sent.back().second, "营业时间9点到18点。");
  EXPECT_EQ(h.bot_store.states[60].turns, 2);
  EXPECT_FALSE(h.bot_store.states[60].handed_off);
}

TEST(RoutingBotLoop, AskingForAHumanHandsOffAndQueues) {
  Harness h;
  h.activate(kBotDocument);
  add_faq(h);
  ASSERT_EQ(run(h.io, h.engine.route(message(3, 61, "when are you open", true))).kind,
            RoutingDecision::Kind::bot_answered);
  auto decision = run(h.io, h.engine.route(message(3, 61, "转 人 工")));
  ASSERT_EQ(decision.kind, RoutingDecision::Kind::queue);
  ASSERT_TRUE(decision.plan);
  EXPECT_EQ(decision.plan->steps[0].queue, "general");
  EXPECT_TRUE(h.bot_store.states[61].handed_off);
  EXPECT_EQ(h.bot_store.states[61].handoff_reason, "customer_asked");
  EXPECT_EQ(h.bot_sent.back().second, "正在为您转接人工客服，请稍候。");
  // Handed off stays handed off: a FAQ question now goes to the queue, the bot stays quiet.
  const auto sent = h.bot_sent.size();
  EXPECT_EQ(run(h.io, h.engine.route(message(3, 61, "when are you open"))).kind, RoutingDecision::Kind::queue);
  EXPECT_EQ(h.bot_sent.size(), sent);
}

TEST(RoutingBotLoop, ThreeUnansweredMessagesHandOff) {
  Harness h;
  h.activate(kBotDocument);
  add_faq(h);
  EXPECT_EQ(run(h.io, h.engine.route(message(3, 62, "xyzzy plugh", true))).kind, RoutingDecision::Kind::bot_answered);
  EXPECT_EQ(run(h.io, h.engine.route(message(3, 62, "qwerty asdf"))).kind, RoutingDecision::Kind::bot_answered);
  EXPECT_EQ(h.bot_store.states[62].unresolved, 2);
  EXPECT_NE(h.bot_sent.back().second.find("rephrase"), std::string::npos);
  EXPECT_EQ(run(h.io, h.engine.route(message(3, 62, "zzzz yyyy"))).kind, RoutingDecision::Kind::queue);
  EXPECT_EQ(h.bot_store.states[62].handoff_reason, "too_many_turns");
}

TEST(RoutingBotLoop, VipCustomersGoStraightToAHuman) {
  Harness h;
  h.activate(kBotDocument);
  add_faq(h);
  // FakeContext makes customer 7 a VIP.
  EXPECT_EQ(run(h.io, h.engine.route(message(7, 63, "when are you open", true))).kind, RoutingDecision::Kind::queue);
  EXPECT_EQ(h.bot_store.states[63].handoff_reason, "vip");
}

TEST(RoutingBotLoop, BotStateIsReadFromTheStoreSoAnotherInstanceContinuesTheCount) {
  Harness h;
  h.activate(kBotDocument);
  add_faq(h);
  // Another instance already counted two unanswered messages for conversation 64.
  h.bot_store.states[64] = BotState{2, 2, false, ""};
  EXPECT_EQ(run(h.io, h.engine.route(message(3, 64, "blorp florp"))).kind, RoutingDecision::Kind::queue);
  EXPECT_EQ(h.bot_store.states[64].handoff_reason, "too_many_turns");
}

TEST(RoutingActions, TagsAndSupervisorNoticeAreReal) {
  Harness h;
  h.activate(kBotDocument);
  auto decision = run(h.io, h.engine.route(message(3, 65, "my lawyer will call you", true)));
  ASSERT_EQ(decision.kind, RoutingDecision::Kind::queue);
  EXPECT_EQ(decision.plan->steps[0].queue, "escalations");
  ASSERT_EQ(h.bot_store.tags.size(), 1u);
  EXPECT_EQ(std::get<0>(h.bot_store.tags[0]), 65);
  EXPECT_EQ(std::get<1>(h.bot_store.tags[0]), 3);
  EXPECT_EQ(std::get<2>(h.bot_store.tags[0]), "legal");
  ASSERT_EQ(h.notices.size(), 1u);
  EXPECT_EQ(h.notices[0].first, 65);
  EXPECT_EQ(h.notices[0].second, "complaint");
}

TEST(RoutingActions, SpamBlockClosesAndRemembersTheCustomer) {
  Harness h;
  h.activate(kBotDocument);
  EXPECT_EQ(run(h.io, h.engine.route(message(3, 66, "CASINO bonus", true))).kind, RoutingDecision::Kind::blocked);
  ASSERT_EQ(h.bot_store.blocked.size(), 1u);
  EXPECT_EQ(h.bot_store.blocked[0], 66);
  EXPECT_TRUE(h.bot_sent.empty());
}

TEST(BotService, ConfidenceSeparatesParaphrasesFromNoise) {
  Harness h;
  add_faq(h);
  // The default answer threshold (0.4) sits between these.
  for (const char* q : {"when are you open today?", "你们营业时间是几点", "what are your opening hours", "怎么退款"}) {
    auto found = h.bot.search(q, "en", 1, 0.0);
    ASSERT_FALSE(found.empty()) << q;
    EXPECT_GE(found[0].confidence, 0.45) << q;
  }
  for (const char* q : {"xyzzy plugh", "qwerty asdf", "hello", "I want to return my order"}) {
    auto found = h.bot.search(q, "en", 1, 0.0);
    if (!found.empty()) {
      EXPECT_LT(found[0].confidence, 0.15) << q;
    }
  }
}

TEST(BotService, FaqChangesOfAnotherInstanceArriveOnRefresh) {
  Harness h;
  add_faq(h);
  BotService other(h.bot_store, nullptr);  // a second instance on the same store
  EXPECT_TRUE(other.suggestions("when are you open", "en", 3).empty());
  ASSERT_TRUE(run(h.io, other.refresh()));
  auto found = other.suggestions("when are you open", "en", 3);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].answer, "We are open 9:00-18:00.");
  EXPECT_EQ(found[0].question, "What are your opening hours?");
  ASSERT_TRUE(run(h.io, h.bot.delete_faq(found[0].id)));
  ASSERT_TRUE(run(h.io, other.refresh()));
  for (const auto& s : other.suggestions("when are you open", "en", 3)) EXPECT_NE(s.id, found[0].id);
  EXPECT_LE(other.suggestions("refund", "en", 1).size(), 1u);
}

TEST(BotService, SensitiveWordsAreMaskedForAgentsEvenWhenDisguised) {
  Harness h;
  ASSERT_TRUE(run(h.io, h.bot.replace_words({{0, "fuck", "profanity", true},
                                             {0, "傻逼", "profanity", true},
                                             {0, "bitcoin", "fraud", false}})));
  EXPECT_EQ(h.bot.mask_for_agents("what the f.u.c.k"), "what the ***");
  EXPECT_EQ(h.bot.mask_for_agents("you F U C K"), "you ***");
  EXPECT_EQ(h.bot.mask_for_agents("ｆｕｃｋ off"), "*** off");
  EXPECT_EQ(h.bot.mask_for_agents("你这个傻 逼"), "你这个***");
  EXPECT_EQ(h.bot.mask_for_agents("你这个傻-_-逼"), "你这个***");
  EXPECT_EQ(h.bot.mask_for_agents("send bitcoin"), "send bitcoin");  // listed, not masked
  EXPECT_EQ(h.bot.mask_for_agents("fuckle"), "fuckle");              // not a whole word
  // Every listed word is flagged for review, masked or not; clean messages are not.
  std::vector<IngestResult> batch{message(3, 67, "pay in b.i.t.c.o.i.n"), message(3, 67, "hello there")};
  batch[0].message.id = 501;
  batch[1].message.id = 502;
  run(h.io, [&]() -> boost::asio::awaitable<int> {
    co_await h.bot.on_ingested(batch);
    co_return 0;
  }());
  ASSERT_EQ(h.bot_store.flagged.size(), 1u);
  EXPECT_EQ(h.bot_store.flagged[0].message_id, 501);
  EXPECT_EQ(h.bot_store.flagged[0].words[0].second, "fraud");
}

}  // namespace
}  // namespace cc::services
