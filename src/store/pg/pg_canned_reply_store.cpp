// GCC 12 reports a false maybe-uninitialized inside std::variant's move of a Result<CannedReply>
// (the same as in pg_ticket_repository.cpp).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "cc/store/pg/pg_canned_reply_store.hpp"

#include <nlohmann/json.hpp>
#include <optional>

#include "cc/store/pg/pg_rows.hpp"

namespace cc::store {
namespace {

using services::CannedReply;

constexpr const char* kColumns =
    "id, shortcut, title, texts::text, scope, owner_agent_id, "
    "(extract(epoch FROM updated_at) * 1000)::bigint";

CannedReply reply_from(const pqxx::row& row) {
  CannedReply reply;
  reply.id = row[0].as<domain::Id>();
  reply.shortcut = row[1].as<std::string>();
  reply.title = row[2].as<std::string>();
  const auto texts = nlohmann::json::parse(row[3].as<std::string>(), nullptr, false);
  if (texts.is_object()) {
    for (const auto& [language, text] : texts.items()) {
      if (text.is_string()) reply.texts[language] = text.get<std::string>();
    }
  }
  reply.scope = row[4].as<std::string>();
  if (!row[5].is_null()) reply.owner_agent_id = row[5].as<domain::Id>();
  reply.updated_at = time_from_millis(row[6].as<std::int64_t>());
  return reply;
}

std::string texts_json(const CannedReply& reply) { return nlohmann::json(reply.texts).dump(); }

Error taken(const CannedReply& reply) {
  return Error::conflict("the shortcut /" + reply.shortcut + " is already used in this scope");
}

}  // namespace

boost::asio::awaitable<Result<std::vector<CannedReply>>> PgCannedReplyStore::visible_to(
    domain::Id agent_id, std::string prefix, int limit) {
  auto job = [agent_id, prefix = std::move(prefix),
              limit](pqxx::connection& c) -> Result<std::vector<CannedReply>> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_params(
        std::string("SELECT ") + kColumns +
            " FROM canned_replies WHERE (scope = 'team' OR owner_agent_id = $1) "
            "AND starts_with(shortcut, $2) ORDER BY shortcut, scope DESC, id LIMIT $3",
        agent_id, prefix, limit);
    std::vector<CannedReply> out;
    for (const auto& row : rows) out.push_back(reply_from(row));
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<CannedReply>> PgCannedReplyStore::get(domain::Id id) {
  auto job = [id](pqxx::connection& c) -> Result<CannedReply> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_params(
        std::string("SELECT ") + kColumns + " FROM canned_replies WHERE id = $1", id);
    if (rows.empty()) return Error::not_found("no such canned reply");
    return reply_from(rows[0]);
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<CannedReply>> PgCannedReplyStore::create(CannedReply reply) {
  auto job = [reply = std::move(reply)](pqxx::connection& c) -> Result<CannedReply> {
    std::optional<CannedReply> stored;
    try {
      pqxx::work tx(c);
      const auto rows = tx.exec_params(
          std::string("INSERT INTO canned_replies (shortcut, title, texts, scope, owner_agent_id) "
                      "VALUES ($1, $2, $3::jsonb, $4, $5) RETURNING ") + kColumns,
          reply.shortcut, reply.title, texts_json(reply), reply.scope, reply.owner_agent_id);
      tx.commit();
      stored = reply_from(rows[0]);
    } catch (const pqxx::unique_violation&) {
      stored.reset();
    }
    if (!stored) return taken(reply);
    return std::move(*stored);
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<CannedReply>> PgCannedReplyStore::update(CannedReply reply) {
  auto job = [reply = std::move(reply)](pqxx::connection& c) -> Result<CannedReply> {
    std::optional<CannedReply> stored;
    bool found = true;
    try {
      pqxx::work tx(c);
      const auto rows = tx.exec_params(
          std::string("UPDATE canned_replies SET shortcut = $2, title = $3, texts = $4::jsonb, "
                      "scope = $5, owner_agent_id = $6, updated_at = now() WHERE id = $1 RETURNING ") +
              kColumns,
          reply.id, reply.shortcut, reply.title, texts_json(reply), reply.scope,
          reply.owner_agent_id);
      found = !rows.empty();
      if (found) stored = reply_from(rows[0]);
      tx.commit();
    } catch (const pqxx::unique_violation&) {
      stored.reset();
    }
    if (!found) return Error::not_found("no such canned reply");
    if (!stored) return taken(reply);
    return std::move(*stored);
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgCannedReplyStore::remove(domain::Id id) {
  auto job = [id](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    const auto rows = tx.exec_params("DELETE FROM canned_replies WHERE id = $1 RETURNING id", id);
    if (rows.empty()) return Error::not_found("no such canned reply");
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
