#pragma once
// Port: opens a ticket on behalf of another module (a routing action, a missed call's callback
// task). Implemented by the ticket service; callers never touch the ticket tables.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct NewTicket {
  std::string subject;
  std::string description;
  std::string type = "question";  // question, incident, problem, task, complaint, return, exchange
  std::string priority = "normal";  // low, normal, high, urgent
  domain::Id requester_id = 0;      // the customer
  std::optional<domain::Id> conversation_id;  // linked when set
  std::string source;  // who opened it: "routing", "voice", ... (kept in the ticket's history)
};

class TicketCreator {
 public:
  virtual ~TicketCreator() = default;
  virtual boost::asio::awaitable<Result<domain::Id>> create_ticket(NewTicket ticket) = 0;
};

}  // namespace cc::services
