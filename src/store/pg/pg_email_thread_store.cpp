#include "cc/store/pg/pg_email_thread_store.hpp"

namespace cc::store {

using boost::asio::awaitable;

awaitable<Result<std::optional<domain::Id>>> PgEmailThreadStore::find_conversation(
    domain::Id channel_account_id, std::vector<std::string> message_ids) {
  if (message_ids.size() > 50) message_ids.resize(50);
  auto job = [channel_account_id, ids = std::move(message_ids)](pqxx::connection& c)
      -> Result<std::optional<domain::Id>> {
    pqxx::nontransaction tx(c);
    for (const auto& id : ids) {  // in order of preference; few rows, one index probe each
      const auto rows = tx.exec_params(
          "SELECT conversation_id FROM email_message_ids WHERE channel_account_id = $1 AND message_id = $2",
          channel_account_id, id);
      if (!rows.empty()) return std::optional<domain::Id>(rows[0][0].as<domain::Id>());
    }
    return std::optional<domain::Id>();
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Status> PgEmailThreadStore::remember(domain::Id channel_account_id, std::string message_id,
                                               domain::Id conversation_id, domain::Direction direction,
                                               std::string subject) {
  auto job = [=](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO email_message_ids (channel_account_id, message_id, conversation_id, direction, subject) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        channel_account_id, message_id, conversation_id, std::string(domain::to_string(direction)), subject);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<services::EmailThread>> PgEmailThreadStore::thread_of(domain::Id conversation_id, int limit) {
  auto job = [=](pqxx::connection& c) -> Result<services::EmailThread> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT message_id, subject FROM (SELECT message_id, subject, created_at FROM email_message_ids "
        "WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT $2) newest ORDER BY created_at",
        conversation_id, limit);
    services::EmailThread thread;
    for (const auto& row : rows) {
      thread.message_ids.push_back(row[0].as<std::string>());
      if (auto subject = row[1].as<std::string>(); !subject.empty()) thread.subject = std::move(subject);
    }
    return thread;
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
