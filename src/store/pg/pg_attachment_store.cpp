#include "cc/store/pg/pg_attachment_store.hpp"

#include <nlohmann/json.hpp>

#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"
#include "cc/domain/attachment_rules.hpp"

namespace cc::store {

using boost::asio::awaitable;
using nlohmann::json;

awaitable<Result<services::StoredAttachment>> PgAttachmentStore::get(domain::Id id) {
  auto job = [id](pqxx::connection& c) -> Result<services::StoredAttachment> {
    pqxx::nontransaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT a.id, a.message_id, m.conversation_id, a.filename, a.content_type, a.size_bytes, "
        "a.sha256, a.content_id, a.inline, a.content FROM attachments a "
        "JOIN messages m ON m.id = a.message_id WHERE a.id = $1",
        id);
    if (rows.empty()) return Error::not_found("no such attachment");
    const auto& row = rows[0];
    services::StoredAttachment out;
    out.id = row[0].as<domain::Id>();
    out.message_id = row[1].as<domain::Id>();
    out.conversation_id = row[2].as<domain::Id>();
    out.filename = row[3].as<std::string>();
    out.content_type = row[4].as<std::string>();
    out.size_bytes = row[5].as<std::int64_t>();
    out.sha256 = row[6].as<std::string>();
    out.content_id = row[7].as<std::string>();
    out.inline_part = row[8].as<bool>();
    out.content = pqxx::binarystring(row[9]).str();
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

domain::Message store_message_attachments(pqxx::transaction_base& tx, domain::Message message,
                                          const std::vector<domain::InboundAttachment>& attachments) {
  json metadata = message.metadata_json.empty() ? json::object() : json::parse(message.metadata_json, nullptr, false);
  if (!metadata.is_object()) metadata = json::object();
  json listed = json::array();
  std::vector<std::pair<std::string, domain::Id>> inline_parts;
  for (const auto& a : attachments) {
    json entry = {{"filename", a.filename},
                  {"content_type", a.content_type},
                  {"inline", a.inline_part},
                  {"content_id", a.content_id}};
    if (!a.omitted_reason.empty()) {
      entry["size"] = a.size;
      entry["omitted"] = a.omitted_reason;
      listed.push_back(std::move(entry));
      continue;
    }
    const auto id = tx.exec_params(
                          "INSERT INTO attachments (message_id, filename, content_type, size_bytes, sha256, "
                          "content, content_id, inline) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                          message.id, a.filename, a.content_type, static_cast<std::int64_t>(a.content.size()),
                          crypto::to_hex(crypto::sha256(a.content)), pqxx::binarystring(a.content), a.content_id,
                          a.inline_part)[0][0]
                        .as<domain::Id>();
    entry["id"] = std::to_string(id);
    entry["size"] = a.content.size();
    listed.push_back(std::move(entry));
    if (!a.content_id.empty()) inline_parts.emplace_back(a.content_id, id);
  }
  metadata["attachments"] = std::move(listed);
  // Linked after storing: only now are the ids known (see src/channels/email/README.md).
  if (const auto html = metadata.find("html"); html != metadata.end() && html->is_string() && !inline_parts.empty()) {
    *html = domain::link_inline_parts(html->get<std::string>(), inline_parts);
  }
  message.metadata_json = metadata.dump(-1, ' ', false, json::error_handler_t::replace);
  tx.exec_params("UPDATE messages SET metadata = $2::jsonb WHERE id = $1", message.id, message.metadata_json);
  return message;
}

}  // namespace cc::store
