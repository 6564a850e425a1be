// The outbox against a real PostgreSQL: a reply and its outbox row commit together; claims are
// leased and disjoint across concurrent dispatchers; outcomes update the message.
#include <gtest/gtest.h>

#include <future>
#include <set>

#include "cc/store/pg/pg_repositories.hpp"
#include "support/pg_test_database.hpp"

namespace cc::store {
namespace {

using testing::run_sync;

class Outbox : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::PgTestDatabase::admin_url()) GTEST_FAIL() << "CC_TEST_PG_ADMIN_URL is not set: run the suite through scripts/test";
    database_.emplace();
    pool_.emplace(database_->url(), 4, metrics_);
    PgChannelAccountRepository channels(*pool_);
    PgAgentRepository agents(*pool_);
    auto account = run_sync(channels.create(domain::Channel::webchat, "site", "{}"));
    auto agent = run_sync(agents.create(svc::NewAgent{"a@x.com", "A", "hash", domain::Role::agent}));
    ASSERT_TRUE(account && agent);
    agent_id_ = agent->id;
    PgIngestStore ingest(*pool_);
    domain::InboundMessage m;
    m.channel_account_id = account->id;
    m.provider_message_id = "v:1";
    m.identifiers = {{"web_visitor", "v", true}};
    m.content = "hi";
    std::vector<domain::InboundMessage> batch{m};
    auto stored = run_sync(ingest.store_batch(batch));
    ASSERT_TRUE(stored);
    conversation_id_ = (*stored)[0]->conversation.id;
  }

  domain::Id reply(const std::string& text, std::optional<std::string> key = std::nullopt) {
    PgConversationRepository conversations(*pool_);
    auto outcome = run_sync(conversations.append_reply(conversation_id_, agent_id_, text, key));
    EXPECT_TRUE(outcome);
    return outcome->message.id;
  }

  metrics::Registry metrics_;
  std::optional<testing::PgTestDatabase> database_;
  std::optional<PgPool> pool_;
  domain::Id agent_id_ = 0;
  domain::Id conversation_id_ = 0;
};

TEST_F(Outbox, AReplyIsClaimedOnceUntilItsLeaseEnds) {
  const auto message_id = reply("hello");
  PgOutboxRepository outbox(*pool_);
  auto first = run_sync(outbox.claim_due(10, std::chrono::seconds(30)));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].message_id, message_id);
  EXPECT_EQ((*first)[0].message.content, "hello");
  auto second = run_sync(outbox.claim_due(10, std::chrono::seconds(30)));
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->empty()) << "leased rows are not handed out twice";

  ASSERT_TRUE(run_sync(outbox.mark_sent((*first)[0].id, "provider-1")));
  PgConversationRepository conversations(*pool_);
  auto messages = run_sync(conversations.messages(conversation_id_, std::nullopt, 10));
  ASSERT_TRUE(messages);
  EXPECT_EQ(messages->items.back().delivery_status, "sent");
}

TEST_F(Outbox, ConcurrentDispatchersClaimDisjointRows) {
  for (int i = 0; i < 20; ++i) reply("m" + std::to_string(i));
  auto claim = [this] {
    PgOutboxRepository outbox(*pool_);
    return run_sync(outbox.claim_due(20, std::chrono::seconds(30)));
  };
  auto a = std::async(std::launch::async, claim);
  auto b = std::async(std::launch::async, claim);
  auto first = a.get();
  auto second = b.get();
  ASSERT_TRUE(first && second);
  std::set<domain::Id> ids;
  for (const auto& item : *first) ids.insert(item.id);
  for (const auto& item : *second) EXPECT_TRUE(ids.insert(item.id).second) << "claimed twice";
  EXPECT_EQ(ids.size(), 20u);
}

TEST_F(Outbox, RetriesWaitAndFailuresAreRecorded) {
  reply("x");
  PgOutboxRepository outbox(*pool_);
  auto claimed = run_sync(outbox.claim_due(10, std::chrono::seconds(30)));
  ASSERT_TRUE(claimed && claimed->size() == 1u);
  ASSERT_TRUE(run_sync(outbox.schedule_retry((*claimed)[0].id, std::chrono::minutes(5), "timeout")));
  auto none = run_sync(outbox.claim_due(10, std::chrono::seconds(30)));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty()) << "not due before its backoff";
  ASSERT_TRUE(run_sync(outbox.mark_failed((*claimed)[0].id, "gave up", "dead_letter")));
  PgConversationRepository conversations(*pool_);
  auto messages = run_sync(conversations.messages(conversation_id_, std::nullopt, 10));
  EXPECT_EQ(messages->items.back().delivery_status, "failed");
}

TEST_F(Outbox, AnIdempotencyKeyStoresOneReply) {
  const auto first = reply("once", std::string("key-1"));
  const auto second = reply("once", std::string("key-1"));
  EXPECT_EQ(first, second);
  PgOutboxRepository outbox(*pool_);
  auto claimed = run_sync(outbox.claim_due(10, std::chrono::seconds(30)));
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->size(), 1u);
}

TEST_F(Outbox, AnUnfinishedAttemptIsInDoubtWhenClaimedAgain) {
  reply("maybe sent");
  PgOutboxRepository outbox(*pool_);
  auto first = run_sync(outbox.claim_due(10, std::chrono::seconds(0)));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_FALSE((*first)[0].in_doubt);
  // The attempt starts and the process "dies": no outcome is recorded and the lease runs out.
  ASSERT_TRUE(run_sync(outbox.begin_attempts({(*first)[0].id})));
  auto again = run_sync(outbox.claim_due(10, std::chrono::seconds(30)));
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_TRUE((*again)[0].in_doubt);
  ASSERT_TRUE(run_sync(outbox.mark_in_doubt((*again)[0].id, "stopped mid-call")));
  auto entry = run_sync(outbox.get((*again)[0].id));
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->status, "in_doubt");
  auto requeued = run_sync(outbox.requeue(entry->id));
  ASSERT_TRUE(requeued);
  EXPECT_EQ(requeued->status, "pending");
  EXPECT_FALSE(run_sync(outbox.requeue(entry->id)));  // pending rows are not requeued twice
}

TEST_F(Outbox, FailoverMovesTheMessageToAnotherAccountAndNotesWhereItWent) {
  const auto message_id = reply("to the other channel");
  PgChannelAccountRepository channels(*pool_);
  auto sms = run_sync(channels.create(domain::Channel::sms, "sms", "{}"));
  ASSERT_TRUE(sms);
  PgOutboxRepository outbox(*pool_);
  auto claimed = run_sync(outbox.claim_due(10, std::chrono::seconds(30)));
  ASSERT_TRUE(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  auto note = run_sync(outbox.fail_over((*claimed)[0].id, "circuit_open", sms->id, "+8613800000000",
                                        "Sent by sms"));
  ASSERT_TRUE(note) << note.error().detail;
  EXPECT_EQ(note->sender_type, "system");
  EXPECT_NE(note->metadata_json.find("circuit_open"), std::string::npos);
  // The copy on the SMS account is due now, to the given recipient, remembering its origin.
  auto copy = run_sync(outbox.claim_due(10, std::chrono::seconds(30)));
  ASSERT_TRUE(copy);
  ASSERT_EQ(copy->size(), 1u);
  EXPECT_EQ((*copy)[0].message_id, message_id);
  EXPECT_EQ((*copy)[0].channel, domain::Channel::sms);
  EXPECT_EQ((*copy)[0].recipient, "+8613800000000");
  EXPECT_EQ((*copy)[0].failover_from, (*claimed)[0].id);
  auto original = run_sync(outbox.get((*claimed)[0].id));
  ASSERT_TRUE(original);
  EXPECT_EQ(original->status, "failed_over");
  // A second failover of the same row is refused: it is no longer pending.
  EXPECT_FALSE(run_sync(outbox.fail_over((*claimed)[0].id, "circuit_open", sms->id, "+86", "again")));
}

TEST_F(Outbox, ADeliveryReportUpdatesTheMessageFoundByProviderId) {
  const auto message_id = reply("tracked");
  PgOutboxRepository outbox(*pool_);
  auto claimed = run_sync(outbox.claim_due(10, std::chrono::seconds(30)));
  ASSERT_TRUE(claimed && claimed->size() == 1u);
  ASSERT_TRUE(run_sync(outbox.mark_sent((*claimed)[0].id, "SM123")));
  auto delivered = run_sync(outbox.record_delivery((*claimed)[0].channel_account_id, "SM123",
                                                   "delivered", ""));
  ASSERT_TRUE(delivered);
  ASSERT_TRUE(delivered->has_value());
  EXPECT_EQ((*delivered)->message_id, message_id);
  // A late "sent" report does not move a delivered message back.
  auto late = run_sync(outbox.record_delivery((*claimed)[0].channel_account_id, "SM123", "sent", ""));
  ASSERT_TRUE(late && late->has_value());
  EXPECT_EQ((*late)->status, "delivered");
  auto unknown = run_sync(outbox.record_delivery((*claimed)[0].channel_account_id, "nope", "sent", ""));
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->has_value());
}

}  // namespace
}  // namespace cc::store
