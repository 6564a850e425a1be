#pragma once
// PostgreSQL side of the bot and compliance (migrations/0015_bot_faq.sql): FAQ entries, sensitive
// words and their hits, the bot's per-conversation state, conversation/customer tags and the
// spam block. Runs on the PgPool's threads; thread-safe.
#include "cc/services/bot_service.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgBotStore final : public services::BotStore {
 public:
  explicit PgBotStore(PgPool& pool) : pool_(pool) {}
  boost::asio::awaitable<Result<services::BotRevisions>> revisions() override;
  boost::asio::awaitable<Result<std::vector<services::StoredFaq>>> faq_entries() override;
  boost::asio::awaitable<Result<services::StoredFaq>> save_faq(std::optional<domain::Id> id,
                                                               services::FaqEntry entry) override;
  boost::asio::awaitable<Status> delete_faq(domain::Id id) override;
  boost::asio::awaitable<Result<std::vector<services::StoredSensitiveWord>>> sensitive_words() override;
  boost::asio::awaitable<Status> replace_sensitive_words(std::vector<services::StoredSensitiveWord> words) override;
  boost::asio::awaitable<Status> add_hit(services::SensitiveHit hit) override;
  boost::asio::awaitable<Result<std::vector<services::SensitiveHit>>> hits(bool open_only, domain::Id before,
                                                                           int limit) override;
  boost::asio::awaitable<Status> mark_reviewed(domain::Id hit_id) override;
  boost::asio::awaitable<Result<services::BotState>> bot_state(domain::Id conversation_id) override;
  boost::asio::awaitable<Status> save_bot_state(domain::Id conversation_id, services::BotState state) override;
  boost::asio::awaitable<Status> tag(domain::Id conversation_id, domain::Id customer_id,
                                     std::vector<std::string> tags) override;
  boost::asio::awaitable<Status> block_spam(domain::Id conversation_id, domain::Id customer_id) override;
  boost::asio::awaitable<Result<std::vector<domain::Id>>> supervisor_ids() override;

 private:
  PgPool& pool_;
};

}  // namespace cc::store
