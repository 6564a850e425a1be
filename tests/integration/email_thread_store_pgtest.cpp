// Message-ID threading against a real PostgreSQL: a reply's ids find their conversation in
// order of preference, recording twice is harmless, and a thread lists ids oldest first with
// the newest subject.
#include <gtest/gtest.h>

#include "cc/store/pg/pg_email_thread_store.hpp"
#include "cc/store/pg/pg_repositories.hpp"
#include "support/pg_test_database.hpp"

namespace cc::store {
namespace {

using testing::run_sync;

class EmailThreadStore : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::PgTestDatabase::admin_url()) GTEST_FAIL() << "CC_TEST_PG_ADMIN_URL is not set: run the suite through scripts/test";
    database_.emplace();
    pool_.emplace(database_->url(), 2, metrics_);
    PgChannelAccountRepository channels(*pool_);
    auto account = run_sync(channels.create(domain::Channel::email, "mail", R"({"addresses":["support@shop.test"]})"));
    ASSERT_TRUE(account);
    account_id_ = account->id;
    PgIngestStore ingest(*pool_);
    std::vector<domain::InboundMessage> batch;
    for (const auto* sender : {"a@example.com", "b@example.com"}) {
      domain::InboundMessage m;
      m.channel_account_id = account_id_;
      m.channel = domain::Channel::email;
      m.provider_message_id = std::string("first@") + sender;
      m.identifiers = {{"email", sender, true}};
      m.content = "hello";
      batch.push_back(m);
    }
    auto stored = run_sync(ingest.store_batch(batch));
    ASSERT_TRUE(stored);
    first_ = (*stored)[0]->conversation.id;
    second_ = (*stored)[1]->conversation.id;
    ASSERT_NE(first_, second_);
  }

  metrics::Registry metrics_;
  std::optional<testing::PgTestDatabase> database_;
  std::optional<PgPool> pool_;
  domain::Id account_id_ = 0;
  domain::Id first_ = 0;
  domain::Id second_ = 0;
};

TEST_F(EmailThreadStore, FindsTheConversationOfTheFirstKnownId) {
  PgEmailThreadStore threads(*pool_);
  ASSERT_TRUE(run_sync(threads.remember(account_id_, "in-1@x", first_, domain::Direction::inbound, "Order")));
  ASSERT_TRUE(run_sync(threads.remember(account_id_, "out-1@shop", second_, domain::Direction::outbound, "Re: B")));
  ASSERT_TRUE(run_sync(threads.remember(account_id_, "in-1@x", second_, domain::Direction::inbound, "x")))
      << "recording an id twice is not an error (and keeps the first)";
  auto found = run_sync(threads.find_conversation(account_id_, {"unknown@x", "in-1@x", "out-1@shop"}));
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, std::optional<domain::Id>(first_));
  auto none = run_sync(threads.find_conversation(account_id_, {"unknown@x"}));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  auto other_account = run_sync(threads.find_conversation(account_id_ + 1000, {"in-1@x"}));
  ASSERT_TRUE(other_account);
  EXPECT_FALSE(other_account->has_value()) << "ids are scoped to their channel account";
}

TEST_F(EmailThreadStore, ListsAThreadOldestFirstWithTheNewestSubject) {
  PgEmailThreadStore threads(*pool_);
  ASSERT_TRUE(run_sync(threads.remember(account_id_, "a@x", first_, domain::Direction::inbound, "Order")));
  ASSERT_TRUE(run_sync(threads.remember(account_id_, "b@shop", first_, domain::Direction::outbound, "Re: Order")));
  ASSERT_TRUE(run_sync(threads.remember(account_id_, "c@x", first_, domain::Direction::inbound, "")));
  auto thread = run_sync(threads.thread_of(first_, 20));
  ASSERT_TRUE(thread);
  EXPECT_EQ(thread->message_ids, (std::vector<std::string>{"a@x", "b@shop", "c@x"}));
  EXPECT_EQ(thread->subject, "Re: Order");
  auto newest = run_sync(threads.thread_of(first_, 2));
  ASSERT_TRUE(newest);
  EXPECT_EQ(newest->message_ids, (std::vector<std::string>{"b@shop", "c@x"}));
}

}  // namespace
}  // namespace cc::store
