// PgRoutingContextSource: what routing conditions know about the customer and conversation.
#include <nlohmann/json.hpp>

#include "cc/store/pg/pg_routing_store.hpp"

namespace cc::store {

boost::asio::awaitable<Result<services::RoutingLookup>> PgRoutingContextSource::lookup(
    domain::Id customer_id, domain::Id conversation_id) {
  auto job = [customer_id, conversation_id](pqxx::connection& c) -> Result<services::RoutingLookup> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT cu.tier, to_jsonb(cu.tags)::text, cu.attributes::text, "
        "  EXISTS (SELECT 1 FROM conversations o WHERE o.customer_id = cu.id AND o.id <> $2), "
        "  (SELECT o.assignee_id FROM conversations o WHERE o.customer_id = cu.id AND o.id <> $2 "
        "     AND o.assignee_id IS NOT NULL ORDER BY o.last_message_at DESC LIMIT 1), "
        "  (SELECT count(*) FROM messages m WHERE m.conversation_id = $2 AND m.direction = 'inbound') "
        "FROM customers cu WHERE cu.id = $1",
        customer_id, conversation_id);
    if (rows.empty()) return Error::not_found("no such customer");
    const auto& row = rows[0];
    services::RoutingLookup out;
    out.customer.id = customer_id;
    out.customer.tier = row[0].as<std::string>();
    const auto tags = nlohmann::json::parse(row[1].as<std::string>(), nullptr, false);
    if (tags.is_array()) {
      for (const auto& tag : tags) {
        if (tag.is_string()) out.customer.tags.push_back(tag.get<std::string>());
      }
    }
    auto attributes = nlohmann::json::parse(row[2].as<std::string>(), nullptr, false);
    if (attributes.is_object()) {
      if (const auto language = attributes.find("language"); language != attributes.end() && language->is_string()) {
        out.customer.language = language->get<std::string>();
      }
      out.customer.attributes = std::move(attributes);
    }
    out.customer.known = row[3].as<bool>();
    if (!row[4].is_null()) out.customer.last_agent_id = row[4].as<domain::Id>();
    out.message_count = static_cast<int>(row[5].as<long long>());
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
