// Resolution of inbound identifiers to one customer, on the ingest hot path: one advisory lock
// per verified identifier, one lookup for all identifiers, one insert per new identifier.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "cc/store/pg/pg_identity_resolution.hpp"

namespace cc::store {
namespace {

struct Match {
  std::string type;
  std::string value;
  domain::Id customer = 0;
  bool verified = false;
};

// Two transactions that see the same new verified identifier take the same lock, so the second
// finds the customer the first created. Sorted keys: no lock-order deadlock between them.
void lock_verified(pqxx::transaction_base& tx, const std::vector<domain::Identifier>& identifiers) {
  std::set<std::string> keys;
  for (const auto& id : identifiers) {
    if (id.verified) keys.insert(id.type + "\x1f" + id.value);
  }
  if (keys.empty()) {  // a claimed-only contact links through its claims: same race, same lock
    for (const auto& id : identifiers) keys.insert(id.type + "\x1f" + id.value);
  }
  for (const auto& key : keys) {
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended($1, 7310))", key);
  }
}

std::vector<Match> find_matches(pqxx::transaction_base& tx,
                                const std::vector<domain::Identifier>& identifiers) {
  nlohmann::json wanted = nlohmann::json::array();
  for (const auto& id : identifiers) wanted.push_back({{"type", id.type}, {"value", id.value}});
  const auto rows = tx.exec_params(
      "SELECT i.type, i.value, i.customer_id, i.verified "
      "FROM jsonb_to_recordset($1::jsonb) AS x(type text, value text) "
      "JOIN customer_identities i ON i.type = x.type AND i.value = x.value",
      wanted.dump());
  std::vector<Match> out;
  for (const auto& row : rows) {
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<domain::Id>(),
                   row[3].as<bool>()});
  }
  return out;
}

bool inbound_verified(const std::vector<domain::Identifier>& identifiers, const Match& match) {
  return std::any_of(identifiers.begin(), identifiers.end(), [&](const domain::Identifier& id) {
    return id.verified && id.type == match.type && id.value == match.value;
  });
}

void suggest_merge(pqxx::transaction_base& tx, domain::Id a, domain::Id b, const Match& match) {
  const nlohmann::json reason{{"type", match.type}, {"shared", "claimed identifier"}};
  tx.exec_params(
      "INSERT INTO customer_merge_suggestions (customer_a, customer_b, reason) "
      "SELECT least($1::bigint, $2::bigint), greatest($1::bigint, $2::bigint), $3::jsonb "
      "WHERE EXISTS (SELECT 1 FROM customers WHERE id = $2 AND merged_into IS NULL) "
      "ON CONFLICT (customer_a, customer_b) DO NOTHING",
      a, b, reason.dump());
}

// A contact that proves nothing (an integration's claimed keys, a business event) belongs to the
// customer already holding one of its identifiers: the holder of a verified copy first, else the
// oldest holder. A contact with a verified identifier never links through a claimed one.
std::optional<domain::Id> claimed_only_holder(const std::vector<domain::Identifier>& identifiers,
                                              const std::vector<Match>& matches) {
  const bool any_verified = std::any_of(identifiers.begin(), identifiers.end(),
                                        [](const domain::Identifier& id) { return id.verified; });
  if (any_verified || matches.empty()) return std::nullopt;
  std::optional<domain::Id> best;
  bool best_verified = false;
  for (const auto& match : matches) {
    if (!best || (match.verified && !best_verified) ||
        (match.verified == best_verified && match.customer < *best)) {
      best = match.customer;
      best_verified = match.verified;
    }
  }
  return best;
}

}  // namespace

domain::Id resolve_customer(pqxx::transaction_base& tx,
                            const std::vector<domain::Identifier>& identifiers,
                            const std::optional<std::string>& display_name) {
  lock_verified(tx, identifiers);
  const auto matches = identifiers.empty() ? std::vector<Match>{} : find_matches(tx, identifiers);
  std::set<domain::Id> owners;  // customers holding one of our verified identifiers, verified
  for (const auto& match : matches) {
    if (match.verified && inbound_verified(identifiers, match)) owners.insert(match.customer);
  }
  domain::Id customer = 0;
  if (!owners.empty()) {
    customer = *owners.begin();  // the oldest survives
    for (auto it = std::next(owners.begin()); it != owners.end(); ++it) {
      merge_customers(tx, customer, *it, std::nullopt, true);
    }
  } else if (auto holder = claimed_only_holder(identifiers, matches)) {
    customer = *holder;
  } else {
    customer = tx.exec_params(
                     "INSERT INTO customers (display_name) VALUES (coalesce($1, '')) RETURNING id",
                     display_name)[0][0]
                   .as<domain::Id>();
  }
  for (const auto& id : identifiers) {
    // A verified sighting upgrades the customer's claimed row; it never takes another's.
    tx.exec_params(
        "INSERT INTO customer_identities (customer_id, type, value, verified) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (customer_id, type, value) DO UPDATE "
        "SET verified = true WHERE $4 AND NOT customer_identities.verified",
        customer, id.type, id.value, id.verified);
  }
  // Claimed links to someone else (or our verified identifier claimed by someone else): ask.
  std::set<domain::Id> suggested;
  for (const auto& match : matches) {
    if (match.customer == customer || owners.count(match.customer) ||
        !suggested.insert(match.customer).second) {
      continue;
    }
    suggest_merge(tx, customer, match.customer, match);
  }
  if (display_name && !display_name->empty()) {
    tx.exec_params("UPDATE customers SET display_name = $2 WHERE id = $1 AND display_name = ''",
                   customer, *display_name);
  }
  return customer;
}

}  // namespace cc::store
