// PgIngestStore against a real PostgreSQL: dedupe, customer resolution rules, concurrency and
// isolation of a refused message inside a batch.
#include <gtest/gtest.h>

#include <future>
#include <set>

#include "cc/store/pg/pg_repositories.hpp"
#include "support/pg_test_database.hpp"

namespace cc::store {
namespace {

using testing::run_sync;

class IngestStore : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::PgTestDatabase::admin_url()) GTEST_FAIL() << "CC_TEST_PG_ADMIN_URL is not set: run the suite through scripts/test";
    database_.emplace();
    pool_.emplace(database_->url(), 4, metrics_);
    store_.emplace(*pool_);
    channels_.emplace(*pool_);
    auto account = run_sync(channels_->create(domain::Channel::webchat, "site", "{}"));
    ASSERT_TRUE(account);
    account_id_ = account->id;
  }

  domain::InboundMessage message(std::string provider_id, std::string visitor) {
    domain::InboundMessage m;
    m.channel_account_id = account_id_;
    m.channel = domain::Channel::webchat;
    m.provider_message_id = std::move(provider_id);
    m.identifiers = {{"web_visitor", std::move(visitor), true}};
    m.content = "hello";
    return m;
  }

  long count(const std::string& sql) {
    pqxx::connection connection(database_->url());
    pqxx::nontransaction tx(connection);
    return tx.exec(sql)[0][0].as<long>();
  }

  metrics::Registry metrics_;
  std::optional<testing::PgTestDatabase> database_;
  std::optional<PgPool> pool_;
  std::optional<PgIngestStore> store_;
  std::optional<PgChannelAccountRepository> channels_;
  domain::Id account_id_ = 0;
};

TEST_F(IngestStore, ARetriedProviderMessageIsStoredOnce) {
  std::vector<domain::InboundMessage> batch{message("v1:a", "v1"), message("v1:a", "v1"),
                                            message("v1:b", "v1")};
  auto results = run_sync(store_->store_batch(batch));
  ASSERT_TRUE(results);
  ASSERT_EQ(results->size(), 3u);
  EXPECT_FALSE((*results)[0]->duplicate);
  EXPECT_TRUE((*results)[1]->duplicate);
  EXPECT_EQ((*results)[1]->message.id, (*results)[0]->message.id);
  EXPECT_FALSE((*results)[2]->duplicate);
  EXPECT_EQ((*results)[2]->conversation.id, (*results)[0]->conversation.id);
  EXPECT_TRUE((*results)[0]->conversation_created);

  // The provider retries later: still one row.
  std::vector<domain::InboundMessage> retry{message("v1:a", "v1")};
  auto again = run_sync(store_->store_batch(retry));
  ASSERT_TRUE(again);
  EXPECT_TRUE((*again)[0]->duplicate);
  EXPECT_EQ(count("SELECT count(*) FROM messages"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM customers"), 1);
}

TEST_F(IngestStore, OnlyVerifiedIdentifiersLinkToAnExistingCustomer) {
  std::vector<domain::Identifier> member{{"member_id", "M-1", true}, {"email", "a@x.com", false}};
  auto owner = run_sync(store_->resolve(member, std::string("Ann")));
  ASSERT_TRUE(owner);
  std::vector<domain::Identifier> same_member{{"member_id", "M-1", true}, {"web_visitor", "v9", true}};
  auto linked = run_sync(store_->resolve(same_member, std::nullopt));
  ASSERT_TRUE(linked);
  EXPECT_EQ(*linked, *owner) << "a verified identifier finds its customer";

  std::vector<domain::Identifier> claim{{"email", "a@x.com", false}, {"web_visitor", "v10", true}};
  auto stranger = run_sync(store_->resolve(claim, std::nullopt));
  ASSERT_TRUE(stranger);
  EXPECT_NE(*stranger, *owner) << "a claimed identifier never merges profiles";
  EXPECT_EQ(count("SELECT count(*) FROM customer_identities WHERE type = 'email'"), 2);
}

TEST_F(IngestStore, ConcurrentFirstContactCreatesOneCustomer) {
  std::vector<std::future<Result<domain::Id>>> racers;
  for (int i = 0; i < 8; ++i) {
    racers.push_back(std::async(std::launch::async, [this] {
      std::vector<domain::Identifier> ids{{"phone", "+8613800138000", true}};
      return run_sync(store_->resolve(ids, std::nullopt));
    }));
  }
  std::set<domain::Id> customers;
  for (auto& racer : racers) {
    auto id = racer.get();
    ASSERT_TRUE(id) << id.error().detail;
    customers.insert(*id);
  }
  EXPECT_EQ(customers.size(), 1u);
  EXPECT_EQ(count("SELECT count(*) FROM customer_identities WHERE value = '+8613800138000'"), 1);
}

TEST_F(IngestStore, ARefusedMessageFailsAloneNotItsBatch) {
  auto orphan = message("v2:x", "v2");
  orphan.channel_account_id = 999999;  // no such channel account: a foreign key refuses it
  std::vector<domain::InboundMessage> batch{message("v2:a", "v2"), orphan, message("v2:b", "v2")};
  auto results = run_sync(store_->store_batch(batch));
  ASSERT_TRUE(results);
  EXPECT_TRUE((*results)[0]);
  EXPECT_FALSE((*results)[1]);
  EXPECT_TRUE((*results)[2]);
  EXPECT_EQ(count("SELECT count(*) FROM messages"), 2);
}

TEST_F(IngestStore, AnUnreachableDatabaseAnswersUnavailable) {
  metrics::Registry metrics;
  PgPool dead("postgresql://postgres@127.0.0.1:1/none", 1, metrics);
  PgIngestStore store(dead);
  std::vector<domain::InboundMessage> batch{message("v3:a", "v3")};
  auto results = run_sync(store.store_batch(batch));
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().code, ErrorCode::unavailable);
}

}  // namespace
}  // namespace cc::store
