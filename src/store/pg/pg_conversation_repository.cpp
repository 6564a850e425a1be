#include "cc/domain/text_limits.hpp"
#include "cc/store/pg/pg_page.hpp"
#include "cc/store/pg/pg_repositories.hpp"
#include "cc/store/pg/pg_rows.hpp"

namespace cc::store {
namespace {

std::optional<std::string> text_of(const auto& value) {
  if (!value) return std::nullopt;
  return std::string(domain::to_string(*value));
}

domain::Conversation load_conversation(pqxx::transaction_base& tx, domain::Id id) {
  return conversation_from(
      tx.exec_params("SELECT " + kConversationColumns + " FROM conversations c WHERE c.id = $1", id)[0]);
}

}  // namespace

awaitable<Result<domain::Page<domain::Conversation>>> PgConversationRepository::list(
    svc::ConversationQuery query) {
  auto job = [query](pqxx::connection& c) -> Result<domain::Page<domain::Conversation>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT " + kConversationColumns + " FROM conversations c "
        "WHERE ($1::bigint IS NULL OR c.assignee_id = $1 OR c.status = 'queued') "
        "AND ($2::text IS NULL OR c.status = $2) AND ($3::text IS NULL OR c.channel = $3) "
        "AND ($4::bigint IS NULL OR c.id < $4) ORDER BY c.id DESC LIMIT $5",
        query.only_for_agent, text_of(query.status), text_of(query.channel), query.after,
        query.limit + 1);
    return page_from<domain::Conversation>(rows, query.limit, conversation_from);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Conversation>> PgConversationRepository::get(domain::Id id) {
  auto job = [id](pqxx::connection& c) -> Result<domain::Conversation> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT " + kConversationColumns + " FROM conversations c WHERE c.id = $1", id);
    if (rows.empty()) return Error::not_found("no such conversation");
    return conversation_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Page<domain::Message>>> PgConversationRepository::messages(
    domain::Id conversation_id, std::optional<domain::Id> after, int limit) {
  auto job = [=](pqxx::connection& c) -> Result<domain::Page<domain::Message>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT " + kMessageColumns + " FROM messages m WHERE m.conversation_id = $1 "
        "AND m.id > coalesce($2::bigint, 0) ORDER BY m.id LIMIT $3",
        conversation_id, after, limit + 1);
    return page_from<domain::Message>(rows, limit, message_from);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Page<domain::Message>>> PgConversationRepository::customer_messages(
    domain::Id customer_id, domain::Id channel_account_id, std::optional<domain::Id> after,
    int limit) {
  auto job = [=](pqxx::connection& c) -> Result<domain::Page<domain::Message>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT " + kMessageColumns + " FROM messages m JOIN conversations c "
        "ON c.id = m.conversation_id WHERE c.customer_id = $1 AND c.channel_account_id = $2 "
        "AND m.id > coalesce($3::bigint, 0) ORDER BY m.id LIMIT $4",
        customer_id, channel_account_id, after, limit + 1);
    return page_from<domain::Message>(rows, limit, message_from);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<svc::ReplyOutcome>> PgConversationRepository::append_reply(
    domain::Id conversation_id, domain::Id agent_id, std::string content,
    std::optional<std::string> idempotency_key) {
  auto job = [=](pqxx::connection& c) -> Result<svc::ReplyOutcome> {
    pqxx::work tx(c);
    auto replay = [&]() -> std::optional<svc::ReplyOutcome> {
      if (!idempotency_key) return std::nullopt;
      const auto rows = tx.exec_params("SELECT " + kMessageColumns +
                                           " FROM messages m WHERE m.sender_agent_id = $1 "
                                           "AND m.idempotency_key = $2",
                                       agent_id, idempotency_key);
      if (rows.empty()) return std::nullopt;
      auto message = message_from(rows[0]);
      return svc::ReplyOutcome{message, load_conversation(tx, message.conversation_id), true};
    };
    if (auto seen = replay()) {
      if (seen->message.conversation_id != conversation_id) {
        return Error::conflict("this Idempotency-Key was already used for another conversation");
      }
      return *seen;
    }

    const auto locked = tx.exec_params(
        "SELECT status, channel_account_id FROM conversations WHERE id = $1 FOR UPDATE",
        conversation_id);
    if (locked.empty()) return Error::not_found("no such conversation");
    if (std::string_view(locked[0][0].c_str()) == "closed") {
      return Error::conflict("the conversation is closed");
    }
    tx.exec_params(
        "UPDATE conversations SET status = 'open', assignee_id = $2, assigned_at = now() "
        "WHERE id = $1 AND status = 'queued'",
        conversation_id, agent_id);
    const auto inserted = tx.exec_params(
        "WITH m AS (INSERT INTO messages (conversation_id, channel_account_id, direction, "
        "sender_type, sender_agent_id, content, idempotency_key, delivery_status, metadata) "
        "VALUES ($1, $2, 'outbound', 'agent', $3, $4, $5, 'queued', "
        // A threaded conversation (e-mail) carries a subject: the reply answers the latest one.
        "coalesce((SELECT jsonb_build_object('subject', CASE WHEN s.subject ~* '^re:' "
        "THEN s.subject ELSE 'Re: ' || s.subject END) FROM (SELECT metadata->>'subject' AS subject "
        "FROM messages WHERE conversation_id = $1 AND metadata ? 'subject' ORDER BY id DESC "
        "LIMIT 1) s), '{}'::jsonb)) "
        "ON CONFLICT (sender_agent_id, idempotency_key) WHERE idempotency_key IS NOT NULL "
        "DO NOTHING RETURNING *) SELECT " + kMessageColumns + " FROM m",
        conversation_id, locked[0][1].as<domain::Id>(), agent_id, content, idempotency_key);
    if (inserted.empty()) {  // a concurrent request with the same key won
      tx.abort();
      return Error::conflict("a request with this Idempotency-Key is in progress; retry");
    }
    const auto message = message_from(inserted[0]);
    tx.exec_params(
        "INSERT INTO outbox (message_id, channel_account_id, recipient) "
        "SELECT $1, $2, customer_address FROM conversations WHERE id = $3",
        message.id, locked[0][1].as<domain::Id>(), conversation_id);
    tx.exec_params(
        "UPDATE conversations SET last_message_at = now(), last_message_preview = $2 WHERE id = $1",
        conversation_id, domain::preview_of(content));
    auto conversation = load_conversation(tx, conversation_id);
    tx.commit();
    return svc::ReplyOutcome{message, std::move(conversation), false};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<svc::ReplyOutcome>> PgConversationRepository::append_automated(
    domain::Id conversation_id, std::string sender_type, std::string content) {
  auto job = [=](pqxx::connection& c) -> Result<svc::ReplyOutcome> {
    pqxx::work tx(c);
    const auto locked = tx.exec_params(
        "SELECT channel_account_id FROM conversations WHERE id = $1 FOR UPDATE", conversation_id);
    if (locked.empty()) return Error::not_found("no such conversation");
    const auto account = locked[0][0].as<domain::Id>();
    const auto inserted = tx.exec_params(
        "WITH m AS (INSERT INTO messages (conversation_id, channel_account_id, direction, "
        "sender_type, content, delivery_status) VALUES ($1, $2, 'outbound', $3, $4, 'queued') "
        "RETURNING *) SELECT " + kMessageColumns + " FROM m",
        conversation_id, account, sender_type, content);
    const auto message = message_from(inserted[0]);
    tx.exec_params(
        "INSERT INTO outbox (message_id, channel_account_id, recipient) "
        "SELECT $1, $2, customer_address FROM conversations WHERE id = $3",
        message.id, account, conversation_id);
    tx.exec_params(
        "UPDATE conversations SET last_message_at = now(), last_message_preview = $2 WHERE id = $1",
        conversation_id, domain::preview_of(content));
    auto conversation = load_conversation(tx, conversation_id);
    tx.commit();
    return svc::ReplyOutcome{message, std::move(conversation), false};
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Conversation>> PgConversationRepository::close(domain::Id conversation_id) {
  auto job = [conversation_id](pqxx::connection& c) -> Result<domain::Conversation> {
    pqxx::work tx(c);
    tx.exec_params(
        "UPDATE conversations SET status = 'closed', closed_at = now() "
        "WHERE id = $1 AND status <> 'closed'",
        conversation_id);
    const auto rows = tx.exec_params(
        "SELECT " + kConversationColumns + " FROM conversations c WHERE c.id = $1", conversation_id);
    if (rows.empty()) return Error::not_found("no such conversation");
    tx.commit();
    return conversation_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<std::optional<domain::Conversation>>> PgConversationRepository::live_conversation(
    domain::Id customer_id, domain::Id channel_account_id) {
  auto job = [=](pqxx::connection& c) -> Result<std::optional<domain::Conversation>> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT " + kConversationColumns + " FROM conversations c WHERE c.customer_id = $1 "
        "AND c.channel_account_id = $2 AND c.status <> 'closed'",
        customer_id, channel_account_id);
    if (rows.empty()) return std::optional<domain::Conversation>{};
    return std::optional<domain::Conversation>(conversation_from(rows[0]));
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
