// Attachments stored by the ingest store in the message's transaction, and read back by
// PgAttachmentStore, against a real PostgreSQL.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cc/store/pg/pg_attachment_store.hpp"
#include "cc/store/pg/pg_repositories.hpp"
#include "support/pg_test_database.hpp"

namespace cc::store {
namespace {

using testing::run_sync;

class AttachmentStore : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::PgTestDatabase::admin_url()) GTEST_FAIL() << "CC_TEST_PG_ADMIN_URL is not set: run the suite through scripts/test";
    database_.emplace();
    pool_.emplace(database_->url(), 2, metrics_);
    ingest_.emplace(*pool_);
    attachments_.emplace(*pool_);
    channels_.emplace(*pool_);
    auto account = run_sync(channels_->create(domain::Channel::email, "mail", "{}"));
    ASSERT_TRUE(account);
    account_id_ = account->id;
  }

  domain::InboundMessage mail(std::string provider_id) {
    domain::InboundMessage m;
    m.channel_account_id = account_id_;
    m.channel = domain::Channel::email;
    m.provider_message_id = std::move(provider_id);
    m.identifiers = {{"email", "fay@example.org", true}};
    m.content = "photo below";
    m.starts_thread = true;
    m.metadata_json = R"({"subject":"Lamp","html":"<img src=\"cid:lamp@x\"><img src=\"cid:gone@x\">"})";
    domain::InboundAttachment image;
    image.filename = "lamp.png";
    image.content_type = "image/png";
    image.content = std::string("\x89PNG\r\n\x1a\n\0\0binary", 17);
    image.size = image.content.size();
    image.content_id = "lamp@x";
    image.inline_part = true;
    domain::InboundAttachment omitted;
    omitted.filename = "huge.zip";
    omitted.content_type = "application/zip";
    omitted.content_id = "gone@x";
    omitted.size = 99999999;
    omitted.omitted_reason = "larger than the limit of 10 bytes";
    m.attachments = {image, omitted};
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
  std::optional<PgIngestStore> ingest_;
  std::optional<PgAttachmentStore> attachments_;
  std::optional<PgChannelAccountRepository> channels_;
  domain::Id account_id_ = 0;
};

TEST_F(AttachmentStore, StoresKeptFilesWithTheMessageAndListsThemInItsMetadata) {
  std::vector<domain::InboundMessage> batch{mail("m-1@x")};
  auto results = run_sync(ingest_->store_batch(batch));
  ASSERT_TRUE(results);
  ASSERT_TRUE((*results)[0]);
  const auto& message = (*results)[0]->message;
  const auto metadata = nlohmann::json::parse(message.metadata_json);
  ASSERT_EQ(metadata["attachments"].size(), 2u) << metadata.dump();
  const auto& kept = metadata["attachments"][0];
  const auto& dropped = metadata["attachments"][1];
  EXPECT_EQ(kept["filename"], "lamp.png");
  EXPECT_EQ(kept["size"], 17);
  EXPECT_EQ(kept["inline"], true);
  EXPECT_EQ(kept["content_id"], "lamp@x");
  EXPECT_FALSE(dropped.contains("id"));
  EXPECT_EQ(dropped["omitted"], "larger than the limit of 10 bytes");
  EXPECT_EQ(dropped["size"], 99999999);
  const auto id = kept["id"].get<std::string>();
  EXPECT_EQ(metadata["html"], "<img src=\"/api/v1/attachments/" + id + "\"><img src=\"cid:gone@x\">")
      << "only stored parts are linked";
  EXPECT_EQ(metadata["subject"], "Lamp") << "the adapter's metadata is kept";
  EXPECT_EQ(count("SELECT count(*) FROM messages WHERE metadata->'attachments'->0->>'id' = '" + id + "'"), 1)
      << "the stored row carries the same metadata";

  auto stored = run_sync(attachments_->get(std::stoll(id)));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->content, std::string("\x89PNG\r\n\x1a\n\0\0binary", 17)) << "bytes survive, NULs included";
  EXPECT_EQ(stored->message_id, message.id);
  EXPECT_EQ(stored->conversation_id, message.conversation_id);
  EXPECT_EQ(stored->content_type, "image/png");
  EXPECT_EQ(stored->sha256.size(), 64u);
  EXPECT_TRUE(stored->inline_part);

  auto missing = run_sync(attachments_->get(std::stoll(id) + 1000));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_F(AttachmentStore, ARetriedMailStoresItsFilesOnce) {
  std::vector<domain::InboundMessage> first{mail("m-2@x")};
  ASSERT_TRUE(run_sync(ingest_->store_batch(first)));
  std::vector<domain::InboundMessage> again{mail("m-2@x")};
  auto results = run_sync(ingest_->store_batch(again));
  ASSERT_TRUE(results);
  EXPECT_TRUE((*results)[0]->duplicate);
  EXPECT_EQ(count("SELECT count(*) FROM attachments"), 1);
}

}  // namespace
}  // namespace cc::store
