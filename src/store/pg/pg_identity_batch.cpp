// Batch resolution of contacts that each carry one verified identifier (the SIP redirect server's
// callers). Same rules as resolve_customer, fewer round trips: one statement locks every
// identifier, one finds their holders, and one creates the customers nobody holds yet. Only a
// contact whose identifier another customer claims (a merge suggestion is due) takes the
// one-at-a-time path.
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cc/store/pg/pg_identity_resolution.hpp"

namespace cc::store {
namespace {

using Key = std::pair<std::string, std::string>;  // (type, value)

struct Holders {
  std::optional<domain::Id> verified_owner;  // at most one: customer_identities_verified_key
  bool claimed_by_others = false;            // a claimed copy held by someone else
};

// The same advisory locks as resolve_customer takes, in sorted order (the std::set), so a batch
// and a single resolution never wait on each other in opposite orders.
void lock_all(pqxx::transaction_base& tx, const std::set<Key>& keys) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& [type, value] : keys) names.push_back(type + "\x1f" + value);
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended(k, 7310)) "
                 "FROM jsonb_array_elements_text($1::jsonb) AS x(k)",
                 names.dump());
}

std::map<Key, Holders> find_holders(pqxx::transaction_base& tx, const std::set<Key>& keys) {
  nlohmann::json wanted = nlohmann::json::array();
  for (const auto& [type, value] : keys) wanted.push_back({{"type", type}, {"value", value}});
  const auto rows = tx.exec_params(
      "SELECT i.type, i.value, i.customer_id, i.verified "
      "FROM jsonb_to_recordset($1::jsonb) AS x(type text, value text) "
      "JOIN customer_identities i ON i.type = x.type AND i.value = x.value",
      wanted.dump());
  std::map<Key, Holders> out;
  std::map<Key, std::set<domain::Id>> claimed;
  for (const auto& row : rows) {
    Key key{row[0].as<std::string>(), row[1].as<std::string>()};
    const auto customer = row[2].as<domain::Id>();
    if (row[3].as<bool>()) {
      out[key].verified_owner = customer;
    } else {
      claimed[key].insert(customer);
    }
  }
  for (const auto& [key, customers] : claimed) {
    auto& holders = out[key];
    for (const auto customer : customers) {
      if (customer != holders.verified_owner) holders.claimed_by_others = true;
    }
  }
  return out;
}

// New customers with their verified identifier, in one statement: ids drawn first (the CTE is
// evaluated once), so each row is known to be the one made for its contact; the locks above keep
// anyone else from creating them meanwhile. The foreign key is checked at the statement's end.
std::vector<domain::Id> create_customers(pqxx::transaction_base& tx, const std::vector<Key>& keys,
                                         const std::vector<std::string>& names) {
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    rows.push_back({{"n", i}, {"name", names[i]}, {"type", keys[i].first}, {"value", keys[i].second}});
  }
  const auto created = tx.exec_params(
      "WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(n int, name text, type text, value text)), "
      "ids AS MATERIALIZED (SELECT n, nextval(pg_get_serial_sequence('customers', 'id')) AS id, name, type, value "
      "FROM input), "
      "made AS (INSERT INTO customers (id, display_name) SELECT id, name FROM ids), "
      "linked AS (INSERT INTO customer_identities (customer_id, type, value, verified) "
      "SELECT id, type, value, true FROM ids) "
      "SELECT n, id FROM ids",
      rows.dump());
  std::vector<domain::Id> ids(keys.size());
  for (const auto& row : created) ids.at(row[0].as<std::size_t>()) = row[1].as<domain::Id>();
  return ids;
}

// A name learnt now fills a known customer's empty display name (as resolve_customer does).
void fill_empty_names(pqxx::transaction_base& tx, const std::map<domain::Id, std::string>& names) {
  if (names.empty()) return;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& [id, name] : names) rows.push_back({{"id", id}, {"name", name}});
  tx.exec_params("UPDATE customers c SET display_name = x.name "
                 "FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, name text) "
                 "WHERE c.id = x.id AND c.display_name = ''",
                 rows.dump());
}

}  // namespace

std::vector<ResolvedContact> resolve_verified_contacts(pqxx::transaction_base& tx,
                                                       const std::vector<VerifiedContact>& contacts) {
  if (contacts.empty()) return {};
  // The first contact of each identifier decides its name; later ones share its customer.
  std::map<Key, const VerifiedContact*> first;
  for (const auto& contact : contacts) first.emplace(Key{contact.identifier.type, contact.identifier.value}, &contact);
  std::set<Key> keys;
  for (const auto& [key, contact] : first) keys.insert(key);
  lock_all(tx, keys);
  const auto holders = find_holders(tx, keys);

  std::map<Key, ResolvedContact> resolved;
  std::map<domain::Id, std::string> names_for_known;
  std::vector<Key> unheld;
  std::vector<std::string> unheld_names;
  for (const auto& [key, contact] : first) {
    const auto name = contact->display_name.value_or("");
    const auto found = holders.find(key);
    if (found != holders.end() && found->second.claimed_by_others) {
      resolved[key] = ResolvedContact{resolve_customer(tx, {contact->identifier}, contact->display_name), false};
    } else if (found != holders.end() && found->second.verified_owner) {
      resolved[key] = ResolvedContact{*found->second.verified_owner, false};
      if (!name.empty()) names_for_known.emplace(*found->second.verified_owner, name);
    } else {
      unheld.push_back(key);
      unheld_names.push_back(name);
    }
  }
  if (!unheld.empty()) {
    const auto ids = create_customers(tx, unheld, unheld_names);
    for (std::size_t i = 0; i < unheld.size(); ++i) resolved[unheld[i]] = ResolvedContact{ids[i], true};
  }
  fill_empty_names(tx, names_for_known);

  std::vector<ResolvedContact> out;
  out.reserve(contacts.size());
  for (const auto& contact : contacts) out.push_back(resolved.at(Key{contact.identifier.type, contact.identifier.value}));
  return out;
}

}  // namespace cc::store
