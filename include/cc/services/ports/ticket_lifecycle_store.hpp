#pragma once
// Port: what the ticket lifecycle needs besides the ticket rows themselves: admin-defined custom
// fields, who may see which ticket, the solved tickets due to close, the closed ticket a
// conversation last had, and the silent-customer follow-up claims. Implemented in store/pg.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

// A custom field defined by an admin; type is text, number, boolean, date or select.
struct TicketFieldDefinition {
  std::string key;
  std::string label;
  std::string type = "text";
  std::vector<std::string> options;  // the allowed values of a select
  bool required = false;
};

// One silent conversation claimed for a follow-up: the agent message it follows.
struct FollowupClaim {
  domain::Id conversation_id = 0;
  domain::Id after_message_id = 0;
};

class TicketLifecycleStore {
 public:
  virtual ~TicketLifecycleStore() = default;

  virtual boost::asio::awaitable<Result<std::vector<TicketFieldDefinition>>> ticket_fields() = 0;
  virtual boost::asio::awaitable<Result<TicketFieldDefinition>> save_ticket_field(TicketFieldDefinition field) = 0;
  virtual boost::asio::awaitable<Status> delete_ticket_field(std::string key) = 0;

  // True when an agent (not a supervisor) may see the ticket: see docs/tickets.md "Access".
  virtual boost::asio::awaitable<Result<bool>> agent_may_see(domain::Id agent_id, domain::Id ticket_id) = 0;

  // Ids of solved tickets solved more than `days` days ago, oldest first.
  virtual boost::asio::awaitable<Result<std::vector<domain::Id>>> solved_before(int days, int limit) = 0;
  // The newest closed (not merged) ticket linked to a conversation, unless the conversation also
  // has a ticket that is not closed.
  virtual boost::asio::awaitable<Result<std::optional<domain::Id>>> closed_ticket_to_follow(
      domain::Id conversation_id) = 0;

  // Claims (inserts the conversation_followups row of) conversations whose last message is an
  // agent's reply older than `silence_seconds` to a customer who wrote before. A claim is made
  // once: concurrent instances insert the same key and only one insert wins.
  virtual boost::asio::awaitable<Result<std::vector<FollowupClaim>>> claim_followups(int silence_seconds,
                                                                                     int limit) = 0;
  // The follow-up was sent as `message_id`; or, when sending failed, the claim is released so
  // that a later pass tries again.
  virtual boost::asio::awaitable<Status> record_followup(FollowupClaim claim, domain::Id message_id) = 0;
  virtual boost::asio::awaitable<Status> release_followup(FollowupClaim claim) = 0;
};

}  // namespace cc::services
