#include "cc/async/log.hpp"
#include "cc/domain/text_limits.hpp"
#include "cc/store/pg/pg_identity_resolution.hpp"
#include "cc/store/pg/pg_attachment_store.hpp"
#include "cc/store/pg/pg_repositories.hpp"
#include "cc/store/pg/pg_rows.hpp"

namespace cc::store {
namespace {

domain::Conversation load_conversation(pqxx::transaction_base& tx, domain::Id id) {
  return conversation_from(tx.exec_params(
      "SELECT " + kConversationColumns + " FROM conversations c WHERE c.id = $1", id)[0]);
}

std::optional<svc::IngestResult> find_duplicate(pqxx::transaction_base& tx,
                                                const domain::InboundMessage& in) {
  const auto rows = tx.exec_params("SELECT " + kMessageColumns +
                                       " FROM messages m WHERE m.channel_account_id = $1 "
                                       "AND m.provider_message_id = $2",
                                   in.channel_account_id, in.provider_message_id);
  if (rows.empty()) return std::nullopt;
  auto message = message_from(rows[0]);
  return svc::IngestResult{true, false, message, load_conversation(tx, message.conversation_id)};
}

// A new conversation. One that begins with a message nobody should work on (an auto-reply, an
// opt-out keyword) is created closed: kept on record, never queued.
domain::Id open_conversation(pqxx::transaction_base& tx, domain::Id customer,
                             const domain::InboundMessage& in) {
  return tx
      .exec_params(
          "INSERT INTO conversations (customer_id, channel_account_id, channel, status, closed_at) "
          "VALUES ($1, $2, $3, CASE WHEN $4 THEN 'queued' ELSE 'closed' END, "
          "CASE WHEN $4 THEN NULL ELSE now() END) RETURNING id",
          customer, in.channel_account_id, std::string(domain::to_string(in.channel)), in.routable)[0][0]
      .as<domain::Id>();
}

// Threaded channels: the open conversation the message replies to, or a new one for a new thread.
std::optional<std::pair<domain::Id, bool>> threaded_conversation(pqxx::transaction_base& tx,
                                                                 domain::Id customer,
                                                                 const domain::InboundMessage& in) {
  if (in.conversation_hint) {
    const auto rows = tx.exec_params(
        "SELECT id FROM conversations WHERE id = $1 AND customer_id = $2 "
        "AND channel_account_id = $3 AND status <> 'closed'",
        *in.conversation_hint, customer, in.channel_account_id);
    if (!rows.empty()) return std::pair{rows[0][0].as<domain::Id>(), false};
  }
  if (!in.starts_thread && !in.conversation_hint) return std::nullopt;
  return std::pair{open_conversation(tx, customer, in), true};
}

// Finds the customer's live conversation on this account or opens a queued one.
std::pair<domain::Id, bool> live_conversation(pqxx::transaction_base& tx, domain::Id customer,
                                              const domain::InboundMessage& in) {
  if (in.channel == domain::Channel::email) {
    if (auto threaded = threaded_conversation(tx, customer, in)) return *threaded;
  }
  const auto select =
      "SELECT id FROM conversations WHERE customer_id = $1 AND channel_account_id = $2 "
      "AND status <> 'closed' ORDER BY last_message_at DESC LIMIT 1";
  auto rows = tx.exec_params(select, customer, in.channel_account_id);
  if (!rows.empty()) return {rows[0][0].as<domain::Id>(), false};
  if (!in.routable) return {open_conversation(tx, customer, in), true};
  rows = tx.exec_params(
      "INSERT INTO conversations (customer_id, channel_account_id, channel, status) "
      "VALUES ($1, $2, $3, 'queued') ON CONFLICT (customer_id, channel_account_id) "
      "WHERE status <> 'closed' AND channel <> 'email' DO NOTHING RETURNING id",
      customer, in.channel_account_id, std::string(domain::to_string(in.channel)));
  if (!rows.empty()) return {rows[0][0].as<domain::Id>(), true};
  rows = tx.exec_params(select, customer, in.channel_account_id);
  return {rows[0][0].as<domain::Id>(), false};
}

svc::IngestResult store_one(pqxx::transaction_base& tx, const domain::InboundMessage& in) {
  if (auto duplicate = find_duplicate(tx, in)) return *duplicate;
  const auto customer = resolve_customer(tx, in.identifiers, in.display_name);
  const auto [conversation_id, created] = live_conversation(tx, customer, in);
  const auto provider_ms = millis_of(in.provider_time);
  const auto inserted = tx.exec_params(
      "WITH m AS (INSERT INTO messages (conversation_id, channel_account_id, direction, "
      "sender_type, content, content_type, provider_message_id, delivery_status, provider_time, "
      "metadata) VALUES ($1, $2, 'inbound', 'customer', $3, $4, $5, 'received', "
      "CASE WHEN $6::bigint > 0 THEN to_timestamp($6::double precision / 1000) END, "
      "coalesce(nullif($7, ''), '{}')::jsonb) "
      "ON CONFLICT (channel_account_id, provider_message_id) WHERE provider_message_id IS NOT NULL "
      "DO NOTHING RETURNING *) SELECT " + kMessageColumns + " FROM m",
      conversation_id, in.channel_account_id, in.content, in.content_type,
      in.provider_message_id, provider_ms, in.metadata_json);
  if (inserted.empty()) {  // another instance stored the same provider message just now
    if (auto duplicate = find_duplicate(tx, in)) return *duplicate;
    throw std::runtime_error("message vanished after a dedupe conflict");
  }
  auto message = message_from(inserted[0]);
  // --- attachments ---
  // The files' bytes in the message's own transaction; its metadata lists them by id.
  if (!in.attachments.empty()) message = store_message_attachments(tx, std::move(message), in.attachments);
  // --- end attachments ---
  // The latest address the customer wrote from is where replies go.
  tx.exec_params(
      "UPDATE conversations SET last_message_at = now(), last_message_preview = $2, "
      "customer_address = CASE WHEN $3 = '' THEN customer_address ELSE $3 END WHERE id = $1",
      conversation_id, domain::preview_of(in.content), in.reply_address);
  return svc::IngestResult{false, created, std::move(message),
                           load_conversation(tx, conversation_id)};
}

}  // namespace

awaitable<Result<std::vector<Result<svc::IngestResult>>>> PgIngestStore::store_batch(
    std::vector<domain::InboundMessage> batch) {
  using Batch = std::vector<Result<svc::IngestResult>>;
  auto job = [batch = std::move(batch)](pqxx::connection& c) -> Result<Batch> {
    try {
      pqxx::work tx(c);
      Batch results;
      results.reserve(batch.size());
      for (const auto& message : batch) results.emplace_back(store_one(tx, message));
      tx.commit();
      return results;
    } catch (const pqxx::sql_error& e) {
      // A lost connection, or a deadlock the pool retries the whole batch for.
      if (is_connection_failure(e.sqlstate()) || is_retryable_conflict(e.sqlstate())) throw;
      async::module_logger("store")->warn("ingest batch refused ({}); storing one by one", e.what());
    }
    // One message the database refused must not fail the others: each gets its own transaction.
    Batch results;
    for (const auto& message : batch) {
      // Some messages are committed already: a deadlock here retries this message alone.
      auto store_alone = [&message](pqxx::connection& connection) {
        pqxx::work tx(connection);
        auto result = store_one(tx, message);
        tx.commit();
        return result;
      };
      try {
        results.emplace_back(PgPool::run_retrying_conflicts(store_alone, c));
      } catch (const pqxx::sql_error& e) {
        if (is_connection_failure(e.sqlstate())) throw;
        results.emplace_back(Error::invalid(std::string("message refused: ") + e.what()));
      }
    }
    return results;
  };
  co_return co_await pool_.run(std::move(job));
}

awaitable<Result<domain::Id>> PgIngestStore::resolve(std::vector<domain::Identifier> identifiers,
                                                     std::optional<std::string> display_name) {
  auto job = [=](pqxx::connection& c) -> Result<domain::Id> {
    pqxx::work tx(c);
    const auto customer = resolve_customer(tx, identifiers, display_name);
    tx.commit();
    return customer;
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
