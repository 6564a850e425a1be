#pragma once
// Tickets as agents and other modules work them: create (also from a conversation, by routing
// and voice through TicketCreator), read, edit with optimistic versions, move through the
// lifecycle, notes with @mentions, transfer, merge, links, bulk updates; the open tickets of a
// customer for the 360 view; and reactions to inbound messages (a customer reply reopens a
// solved ticket, starts the next-reply SLA, answers a CSAT survey). Thread-safe; owned by Wiring.
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "cc/services/conversation_service.hpp"
#include "cc/services/event_dispatcher.hpp"
#include "cc/services/ports/customer_lookups.hpp"
#include "cc/services/ports/ingest_observer.hpp"
#include "cc/services/ports/ticket_creator.hpp"
#include "cc/services/ports/ticket_repository.hpp"
#include "cc/services/sla_engine.hpp"

namespace cc::services {

struct TicketSettings {
  std::string csat_message =
      "How did we do? Reply with a number from 1 (poor) to 5 (excellent), and a comment if you like.";
  bool csat_enabled = true;
};

class TicketService final : public TicketCreator, public CustomerTickets, public IngestObserver {
 public:
  TicketService(TicketRepository& tickets, ConversationService& conversations, EventDispatcher& events,
                SlaEngine& sla, TicketSettings settings = {});

  // body: {subject, description, type, priority, requester_id, assignee_id, team, tags,
  // custom_fields, conversation_id}
  boost::asio::awaitable<Result<domain::Ticket>> create(const domain::Principal& actor, nlohmann::json body);
  boost::asio::awaitable<Result<domain::Ticket>> create_from_conversation(const domain::Principal& actor,
                                                                          domain::Id conversation_id,
                                                                          nlohmann::json body);
  boost::asio::awaitable<Result<domain::Ticket>> get(const domain::Principal& viewer, domain::Id id);
  boost::asio::awaitable<Result<domain::Page<domain::Ticket>>> list(const domain::Principal& viewer,
                                                                    TicketQuery query);
  // body: any of subject, description, type, priority, assignee_id, team, tags, custom_fields.
  boost::asio::awaitable<Result<domain::Ticket>> patch(const domain::Principal& actor, domain::Id id,
                                                       std::optional<int> expected_version, nlohmann::json body);
  boost::asio::awaitable<Result<domain::Ticket>> transition(const domain::Principal& actor, domain::Id id,
                                                            domain::TicketState to);
  // body: {assignee_id?, team?, reason}
  boost::asio::awaitable<Result<domain::Ticket>> transfer(const domain::Principal& actor, domain::Id id,
                                                          nlohmann::json body);
  boost::asio::awaitable<Result<TicketNote>> add_note(const domain::Principal& actor, domain::Id id,
                                                      std::string body);
  boost::asio::awaitable<Result<std::vector<TicketNote>>> notes(const domain::Principal& viewer, domain::Id id);
  boost::asio::awaitable<Result<domain::Page<TicketHistoryEntry>>> history(const domain::Principal& viewer,
                                                                           domain::Id id,
                                                                           std::optional<domain::Id> after,
                                                                           int limit);
  boost::asio::awaitable<Result<domain::Ticket>> merge(const domain::Principal& actor, domain::Id duplicate_id,
                                                       domain::Id target_id);
  boost::asio::awaitable<Result<std::vector<TicketLink>>> link(const domain::Principal& actor, domain::Id id,
                                                               domain::Id related_id, std::string kind);
  boost::asio::awaitable<Result<std::vector<TicketLink>>> links(const domain::Principal& viewer, domain::Id id);
  // {ids: [...], changes: {...patch fields..., state?}} -> [{id, status, ticket | error}]
  boost::asio::awaitable<Result<nlohmann::json>> bulk_update(const domain::Principal& actor, nlohmann::json body);

  // Ports.
  boost::asio::awaitable<Result<domain::Id>> create_ticket(NewTicket ticket) override;
  boost::asio::awaitable<Result<nlohmann::json>> open_tickets(domain::Id customer_id, int limit) override;
  boost::asio::awaitable<void> on_ingested(const std::vector<IngestResult>& results) override;

 private:
  boost::asio::awaitable<Result<domain::Ticket>> create_as(TicketActor actor, nlohmann::json body,
                                                           std::optional<domain::Id> conversation_id,
                                                           std::string source);
  boost::asio::awaitable<Result<domain::Ticket>> apply_transition(TicketActor actor, domain::Ticket current,
                                                                  domain::TicketState to);
  boost::asio::awaitable<void> after_solved(const domain::Ticket& ticket);
  boost::asio::awaitable<void> on_customer_message(const IngestResult& result);
  boost::asio::awaitable<void> announce(const domain::Ticket& ticket, std::string type,
                                        std::vector<domain::Id> extra_agents = {});

  TicketRepository& tickets_;
  ConversationService& conversations_;
  EventDispatcher& events_;
  SlaEngine& sla_;
  TicketSettings settings_;
};

// Parses a patch body into a TicketPatch, validating every field (422 naming it).
Result<TicketPatch> ticket_patch_from(const nlohmann::json& body);
// CSAT: "5", "4 great service", "3 - ok" -> score and comment; nullopt when not an answer.
std::optional<std::pair<int, std::string>> parse_csat_answer(std::string_view text);

}  // namespace cc::services
