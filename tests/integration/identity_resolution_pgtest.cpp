// Identity resolution, merging and business events against a real PostgreSQL: concurrent first
// contact makes one customer (threads and two pools = two instances), verified identifiers merge,
// claimed ones only suggest, merge then unmerge restores every row, events are idempotent and a
// return plus an exchange of one order flags the conversations.
#include <gtest/gtest.h>

#include <thread>

#include "cc/store/pg/pg_customer_store.hpp"
#include "cc/store/pg/pg_identity_resolution.hpp"
#include "cc/store/pg/pg_repositories.hpp"
#include "support/pg_test_database.hpp"

namespace cc::store {
namespace {

using testing::run_sync;

class Identity : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::PgTestDatabase::admin_url()) GTEST_FAIL() << "CC_TEST_PG_ADMIN_URL is not set";
    database_.emplace();
    pool_.emplace(database_->url(), 8, metrics_);
    ingest_.emplace(*pool_);
    customers_.emplace(*pool_);
    PgChannelAccountRepository channels(*pool_);
    sms_account_ = run_sync(channels.create(domain::Channel::sms, "sms", "{}"))->id;
    chat_account_ = run_sync(channels.create(domain::Channel::webchat, "site", "{}"))->id;
    agent_ = std::stoll(query("INSERT INTO agents (email, name, role, password_hash) VALUES "
                              "('sup@example.com', 'Sup', 'supervisor', 'x') RETURNING id"));
  }

  domain::InboundMessage message(domain::Id account, std::string provider_id,
                                 std::vector<domain::Identifier> identifiers) {
    domain::InboundMessage m;
    m.channel_account_id = account;
    m.channel = account == sms_account_ ? domain::Channel::sms : domain::Channel::webchat;
    m.provider_message_id = std::move(provider_id);
    m.identifiers = std::move(identifiers);
    m.content = "hello";
    return m;
  }

  domain::Id ingest(domain::InboundMessage m) {
    auto results = run_sync(ingest_->store_batch({std::move(m)}));
    EXPECT_TRUE(results && (*results)[0]);
    return (*results)[0]->conversation.customer_id;
  }

  std::string query(const std::string& sql) {
    pqxx::connection connection(database_->url());
    pqxx::nontransaction tx(connection);
    const auto rows = tx.exec(sql);
    return rows.empty() || rows[0][0].is_null() ? "" : rows[0][0].as<std::string>();
  }

  // Every row the merge may touch, as text, to compare before and after.
  std::string state() {
    return query(
        "SELECT concat_ws('|', "
        "(SELECT string_agg(to_jsonb(c)::text, ',' ORDER BY id) FROM customers c), "
        "(SELECT string_agg(to_jsonb(i)::text, ',' ORDER BY id) FROM customer_identities i), "
        "(SELECT string_agg(to_jsonb(v)::text, ',' ORDER BY id) FROM conversations v), "
        "(SELECT string_agg(to_jsonb(e)::text, ',' ORDER BY id) FROM business_events e), "
        "(SELECT string_agg(to_jsonb(n)::text, ',' ORDER BY id) FROM customer_notes n))");
  }

  metrics::Registry metrics_;
  std::optional<testing::PgTestDatabase> database_;
  std::optional<PgPool> pool_;
  std::optional<PgIngestStore> ingest_;
  std::optional<PgCustomerStore> customers_;
  domain::Id sms_account_ = 0;
  domain::Id chat_account_ = 0;
  domain::Id agent_ = 0;
};

TEST_F(Identity, ConcurrentFirstContactOnTwoChannelsAndTwoInstancesMakesOneCustomer) {
  PgPool second_instance(database_->url(), 8, metrics_);
  PgIngestStore second_ingest(second_instance);
  for (int round = 0; round < 5; ++round) {
    const auto phone = "+861380000000" + std::to_string(round);
    const auto union_id = "union-" + std::to_string(round);
    std::vector<std::thread> threads;
    std::vector<domain::Id> seen(16, 0);
    for (int t = 0; t < 16; ++t) {
      threads.emplace_back([&, t] {
        // Half the contacts carry the phone first, half the unionid first: lock order must not matter.
        std::vector<domain::Identifier> ids{{"phone", phone, true}, {"wechat_unionid", union_id, true}};
        if (t % 2) std::swap(ids[0], ids[1]);
        auto m = message(t % 2 ? sms_account_ : chat_account_, "p" + std::to_string(round) + "-" + std::to_string(t),
                         ids);
        auto& store = t % 4 < 2 ? *ingest_ : second_ingest;
        auto results = run_sync(store.store_batch({m}));
        if (results && (*results)[0]) seen[static_cast<std::size_t>(t)] = (*results)[0]->conversation.customer_id;
      });
    }
    for (auto& thread : threads) thread.join();
    for (auto id : seen) EXPECT_EQ(id, seen[0]) << "round " << round;
    EXPECT_NE(seen[0], 0);
    EXPECT_EQ(query("SELECT count(DISTINCT customer_id) FROM customer_identities WHERE value = '" + phone + "'"),
              "1");
    EXPECT_EQ(query("SELECT count(*) FROM customers WHERE id IN (SELECT customer_id FROM customer_identities "
                    "WHERE value IN ('" + phone + "', '" + union_id + "'))"),
              "1");
  }
}

TEST_F(Identity, VerifiedIdentifiersOfTwoCustomersMergeAutomatically) {
  const auto a = ingest(message(sms_account_, "a", {{"phone", "+8613811112222", true}}));
  const auto b = ingest(message(chat_account_, "b", {{"web_user", "u-1", true}}));
  ASSERT_NE(a, b);
  const auto c = ingest(message(chat_account_, "c", {{"web_user", "u-1", true}, {"phone", "+8613811112222", true}}));
  EXPECT_EQ(c, std::min(a, b));
  EXPECT_EQ(query("SELECT merged_into FROM customers WHERE id = " + std::to_string(std::max(a, b))),
            std::to_string(std::min(a, b)));
  EXPECT_EQ(query("SELECT count(DISTINCT customer_id) FROM conversations"), "1");
  EXPECT_EQ(query("SELECT count(*) FROM audit_log WHERE action = 'customer.merged'"), "1");
}

TEST_F(Identity, ClaimedIdentifierNeverMergesButSuggests) {
  const auto a = ingest(message(chat_account_, "a", {{"web_visitor", "v1", true}, {"email", "li@example.com", false}}));
  const auto b = ingest(message(chat_account_, "b", {{"web_visitor", "v2", true}, {"email", "li@example.com", false}}));
  EXPECT_NE(a, b);
  EXPECT_EQ(query("SELECT count(*) FROM customers WHERE merged_into IS NOT NULL"), "0");
  EXPECT_EQ(query("SELECT customer_a || ',' || customer_b || ',' || status FROM customer_merge_suggestions"),
            std::to_string(std::min(a, b)) + "," + std::to_string(std::max(a, b)) + ",pending");
  auto page = run_sync(customers_->merge_suggestions("pending", std::nullopt, 10));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  const auto id = std::stoll(page->items[0]["id"].get<std::string>());
  auto decided = run_sync(customers_->decide_suggestion(id, true, agent_));
  ASSERT_TRUE(decided);
  EXPECT_EQ((*decided)["survivor_id"], std::to_string(std::min(a, b)));
  EXPECT_EQ(query("SELECT merged_into FROM customers WHERE id = " + std::to_string(std::max(a, b))),
            std::to_string(std::min(a, b)));
  EXPECT_FALSE(run_sync(customers_->decide_suggestion(id, false, agent_)));  // decided once
}

TEST_F(Identity, MergeThenUnmergeRestoresBothCustomersExactly) {
  const auto a = ingest(message(chat_account_, "a", {{"web_visitor", "v1", true}, {"email", "x@example.com", false}}));
  const auto b = ingest(message(chat_account_, "b", {{"web_visitor", "v2", true}, {"email", "x@example.com", true}}));
  ingest(message(sms_account_, "b2", {{"phone", "+8613899990000", true}, {"web_visitor", "v2", true}}));
  const auto b_sms = query("SELECT customer_id FROM customer_identities WHERE value = '+8613899990000'");
  query("UPDATE customers SET tier = 'gold', tags = '{vip}', attributes = '{\"city\": \"Shanghai\"}', "
        "display_name = 'Li' WHERE id = " + std::to_string(b));
  query("INSERT INTO customer_notes (customer_id, body) VALUES (" + std::to_string(b) + ", 'called twice')");
  query("INSERT INTO business_events (customer_id, type, external_id, occurred_at) VALUES (" + std::to_string(b) +
        ", 'order', 'o-1', now())");
  const auto before = state();
  domain::Id merge_id = 0;
  {
    pqxx::connection connection(database_->url());
    pqxx::work tx(connection);
    merge_id = merge_customers(tx, a, b, std::nullopt, false);
    tx.commit();
  }
  EXPECT_EQ(query("SELECT count(*) FROM conversations WHERE customer_id = " + std::to_string(b)), "0");
  EXPECT_EQ(query("SELECT count(*) FROM conversations WHERE customer_id = " + std::to_string(a) +
                  " AND status <> 'closed'"),
            "2");  // web chat clash: b's live one closed; the SMS one moved live
  EXPECT_EQ(query("SELECT verified FROM customer_identities WHERE value = 'x@example.com'"), "t");
  EXPECT_EQ(query("SELECT tier || ',' || display_name || ',' || array_to_string(tags, ';') || ',' || "
                  "(attributes->>'city') FROM customers WHERE id = " + std::to_string(a)),
            "gold,Li,vip,Shanghai");
  EXPECT_EQ(query("SELECT customer_id FROM business_events"), std::to_string(a));
  EXPECT_EQ(b_sms, std::to_string(b));
  EXPECT_NE(state(), before);
  auto undone = run_sync(customers_->unmerge(b, agent_));
  ASSERT_TRUE(undone) << undone.error().detail;
  EXPECT_EQ((*undone)["merge_id"], std::to_string(merge_id));
  EXPECT_EQ(state(), before);
  EXPECT_FALSE(run_sync(customers_->unmerge(b, agent_)));  // nothing left to undo
  pqxx::connection connection(database_->url());
  pqxx::work tx(connection);
  EXPECT_FALSE(unmerge_customers(tx, merge_id, std::nullopt));  // once only
}

TEST_F(Identity, BusinessEventsAreIdempotentAndReturnPlusExchangeIsAContradiction) {
  const auto customer = ingest(message(sms_account_, "a", {{"phone", "+8613812345678", true}}));
  services::NewBusinessEvent order;
  order.type = "order";
  order.external_id = "order-1";
  order.identifiers = {{"phone", "+8613812345678", false}};
  order.occurred_at = "2026-11-20T10:00:00Z";
  auto first = run_sync(customers_->record_business_event(order, std::chrono::hours(72)));
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->event["customer_id"], std::to_string(customer));  // a claimed key finds its holder
  auto replay = run_sync(customers_->record_business_event(order, std::chrono::hours(72)));
  ASSERT_TRUE(replay);
  EXPECT_FALSE(replay->created);
  EXPECT_EQ(replay->event["id"], first->event["id"]);

  services::NewBusinessEvent ret = order;
  ret.type = "return";
  ret.external_id = "return-1";
  ret.data = {{"order_id", "order-1"}};
  auto r = run_sync(customers_->record_business_event(ret, std::chrono::hours(72)));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->contradiction);
  services::NewBusinessEvent exchange = ret;
  exchange.type = "exchange";
  exchange.external_id = "exchange-1";
  exchange.occurred_at = "2026-11-21T10:00:00Z";
  auto x = run_sync(customers_->record_business_event(exchange, std::chrono::hours(72)));
  ASSERT_TRUE(x);
  ASSERT_TRUE(x->contradiction);
  EXPECT_EQ((*x->contradiction)["conversation_ids"].size(), 1u);
  EXPECT_EQ(query("SELECT count(*) FROM conversation_review_flags"), "1");

  services::NewBusinessEvent stranger = order;
  stranger.external_id = "order-2";
  stranger.identifiers = {{"member_id", "M-unknown", false}};
  auto s = run_sync(customers_->record_business_event(stranger, std::chrono::hours(72)));
  ASSERT_TRUE(s);
  EXPECT_NE(s->event["customer_id"], std::to_string(customer));  // unknown keys: a new customer
}

TEST_F(Identity, ProfileHasTheLastThreeOrdersNewestFirst) {
  const auto customer = ingest(message(sms_account_, "a", {{"phone", "+8613812345678", true}}));
  for (int day = 1; day <= 5; ++day) {
    services::NewBusinessEvent order;
    order.type = "order";
    order.external_id = "o" + std::to_string(day);
    order.identifiers = {{"phone", "+8613812345678", false}};
    order.occurred_at = "2026-11-0" + std::to_string(day) + "T10:00:00Z";
    ASSERT_TRUE(run_sync(customers_->record_business_event(order, std::chrono::hours(1))));
  }
  auto profile = run_sync(customers_->profile(customer));
  ASSERT_TRUE(profile);
  ASSERT_EQ((*profile)["orders"].size(), 3u);
  EXPECT_EQ((*profile)["orders"][0]["external_id"], "o5");
  EXPECT_EQ((*profile)["orders"][2]["external_id"], "o3");
  EXPECT_EQ((*profile)["identifiers"][0]["value"], "+8613812345678");
  EXPECT_EQ((*profile)["timeline"].size(), 1u);
  auto found = run_sync(customers_->search("+86138123", std::nullopt, 10));
  ASSERT_TRUE(found);
  ASSERT_EQ(found->items.size(), 1u);
  auto by_national = run_sync(customers_->search("138123", std::nullopt, 10));
  ASSERT_TRUE(by_national);
  EXPECT_EQ(by_national->items.size(), 1u);
}

}  // namespace
}  // namespace cc::store
