#pragma once
// Ports between the identity module (customers, identifiers, business events) and its
// neighbours, so that neither includes the other:
// - CustomerSummaries (identity implements): the short 360 card a call screen pop shows.
// - CustomerTickets (tickets implement): a customer's open tickets for the 360 view.
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

class CustomerSummaries {
 public:
  virtual ~CustomerSummaries() = default;
  // {customer: {id, display_name, tier, tags}, identifiers: [...masked...], orders: [last 3],
  //  tickets: [open]}; not_found for an unknown id.
  virtual boost::asio::awaitable<Result<nlohmann::json>> summary(domain::Id customer_id) = 0;
};

class CustomerTickets {
 public:
  virtual ~CustomerTickets() = default;
  // The customer's tickets not yet closed, newest first: [{id, subject, state, priority, type,
  // created_at}], at most `limit`.
  virtual boost::asio::awaitable<Result<nlohmann::json>> open_tickets(domain::Id customer_id,
                                                                      int limit) = 0;
};

}  // namespace cc::services
