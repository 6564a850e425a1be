#pragma once
// Customer resolution and merging inside a caller's transaction: the ingest transaction
// (PgIngestStore) and the customer store (merge suggestions, unmerge) share these.
// See docs/identity.md for the rules.
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "cc/domain/types.hpp"

namespace cc::store {

// The customer the identifiers name, creating one when none does. Verified identifiers held by
// several customers merge them into the oldest; claimed ones only leave a merge suggestion.
// Concurrent first contacts with the same verified identifiers serialise on advisory locks.
domain::Id resolve_customer(pqxx::transaction_base& tx,
                            const std::vector<domain::Identifier>& identifiers,
                            const std::optional<std::string>& display_name);

// One contact carrying one verified identifier (a call's phone number) and, maybe, a name.
struct VerifiedContact {
  domain::Identifier identifier;  // verified
  std::optional<std::string> display_name;
};

struct ResolvedContact {
  domain::Id customer_id = 0;
  bool created = false;  // made by this call: nothing else refers to it yet
};

// resolve_customer for many contacts at once, one customer per contact, in order: the
// common cases (the number is known, or nobody holds it) take a fixed handful of statements for
// the whole batch; a contact that needs more (a claimed copy held by another customer: a merge
// suggestion) goes through resolve_customer. Contacts with the same identifier share a customer.
std::vector<ResolvedContact> resolve_verified_contacts(pqxx::transaction_base& tx,
                                                       const std::vector<VerifiedContact>& contacts);

// Moves everything of `merged` to `survivor` and journals what changed; returns the merge id.
// Throws std::invalid_argument when either customer is already merged away or they are equal.
domain::Id merge_customers(pqxx::transaction_base& tx, domain::Id survivor, domain::Id merged,
                           std::optional<domain::Id> actor, bool automatic);

// Undoes a merge exactly; false when there is no such merge or it is already undone.
bool unmerge_customers(pqxx::transaction_base& tx, domain::Id merge_id,
                       std::optional<domain::Id> actor);

}  // namespace cc::store
