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
#include "cc/services/ports/ticket_lifecycle_store.hpp"
#include "cc/services/ports/ticket_creator.hpp"
#include "cc/services/ports/ticket_repository.hpp"
#include "cc/services/sla_engine.hpp"

namespace cc::services {

struct TicketSettings {
  std::string csat_message =
      "How did we do? Reply with a number from 1 (poor) to 5 (excellent), and a comment if you like.";
  bool csat_enabled = true;
  int auto_close_days = 4;  // solved tickets close after this many days; 0 = never
  // Silent-customer reactivation: the follow-up sent once when the customer has not answered an
  // agent's reply for this long; 0 hours = off.
  int followup_after_hours = 72;
  std::string followup_message = "Is there anything else we can help you with? Just reply to this message.";
};

class TicketService final : public TicketCreator, public CustomerTickets, public IngestObserver {
 public:
  TicketService(TicketRepository& tickets, TicketLifecycleStore& lifecycle, ConversationService& conversations,
                EventDispatcher& events, SlaEngine& sla, TicketSettings settings = {});

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

  // Custom field definitions (admin).
  boost::asio::awaitable<Result<std::vector<TicketFieldDefinition>>> ticket_fields();
  boost::asio::awaitable<Result<TicketFieldDefinition>> save_ticket_field(nlohmann::json body);
  boost::asio::awaitable<Status> delete_ticket_field(std::string key);

  // One lifecycle pass (ticket_lifecycle.cpp): closes solved tickets older than auto_close_days
  // and sends the silent-customer follow-ups; returns how many items it handled.
  boost::asio::awaitable<int> run_lifecycle_pass(int batch);

  // Ports.
  boost::asio::awaitable<Result<domain::Id>> create_ticket(NewTicket ticket) override;
  boost::asio::awaitable<Result<nlohmann::json>> open_tickets(domain::Id customer_id, int limit) override;
  boost::asio::awaitable<void> on_ingested(const std::vector<IngestResult>& results) override;

 private:
  // The ticket, or not_found when the viewer may not see it (docs/tickets.md "Access").
  boost::asio::awaitable<Result<domain::Ticket>> visible(const domain::Principal& viewer, domain::Id id);
  boost::asio::awaitable<Status> check_fields(const std::string& custom_fields_json, bool require_all);
  boost::asio::awaitable<void> open_follow_up(domain::Id closed_id, const IngestResult& result);
  boost::asio::awaitable<int> close_solved(int batch);
  boost::asio::awaitable<int> send_followups(int batch);
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
  TicketLifecycleStore& lifecycle_;
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
