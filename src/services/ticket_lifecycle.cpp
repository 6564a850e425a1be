// The time-driven end of a ticket's life and the customer's return: solved tickets close after
// `auto_close_days`, a silent customer gets one follow-up message, and a customer writing on the
// conversation of a closed ticket opens a follow-up ticket linked to it. Runs from the
// "ticket-lifecycle" PollingLoop on every instance; the store's claims keep each action once.
#include <spdlog/spdlog.h>

#include "cc/async/log.hpp"
#include "cc/services/ticket_service.hpp"

namespace cc::services {
namespace {

using boost::asio::awaitable;
using nlohmann::json;

std::shared_ptr<spdlog::logger> log() { return async::module_logger("tickets"); }

// Cut to at most `max` bytes without splitting a UTF-8 sequence.
std::string clipped(std::string text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

}  // namespace

awaitable<int> TicketService::run_lifecycle_pass(int batch) {
  const int closed = co_await close_solved(batch);
  const int followed = co_await send_followups(batch);
  co_return std::max(closed, followed);
}

awaitable<int> TicketService::close_solved(int batch) {
  if (settings_.auto_close_days <= 0) co_return 0;
  auto due = co_await lifecycle_.solved_before(settings_.auto_close_days, batch);
  if (!due) {
    log()->warn("auto-close pass skipped: {}", due.error().detail);
    co_return 0;
  }
  const TicketActor system{std::nullopt, "system"};
  for (auto id : *due) {
    auto ticket = co_await tickets_.get(id);
    if (!ticket || ticket->state != domain::TicketState::solved) continue;
    // apply_transition checks the version: another instance closing it first wins.
    auto closed = co_await apply_transition(system, std::move(*ticket), domain::TicketState::closed);
    if (closed) {
      log()->info("ticket {} closed {} days after it was solved", id, settings_.auto_close_days);
    } else {
      log()->debug("ticket {} not auto-closed: {}", id, closed.error().detail);
    }
  }
  co_return static_cast<int>(due->size());
}

awaitable<int> TicketService::send_followups(int batch) {
  if (settings_.followup_after_hours <= 0 || settings_.followup_message.empty()) co_return 0;
  auto claims = co_await lifecycle_.claim_followups(settings_.followup_after_hours * 3600, batch);
  if (!claims) {
    log()->warn("follow-up pass skipped: {}", claims.error().detail);
    co_return 0;
  }
  for (const auto& claim : *claims) {
    auto sent = co_await conversations_.send_automated(claim.conversation_id, "system", settings_.followup_message);
    if (!sent) {
      log()->warn("follow-up on conversation {} not sent: {}", claim.conversation_id, sent.error().detail);
      auto released = co_await lifecycle_.release_followup(claim);
      if (!released) log()->warn("follow-up claim not released: {}", released.error().detail);
      continue;
    }
    log()->info("follow-up sent on silent conversation {}", claim.conversation_id);
    auto recorded = co_await lifecycle_.record_followup(claim, sent->message.id);
    if (!recorded) log()->warn("follow-up not recorded: {}", recorded.error().detail);
  }
  co_return static_cast<int>(claims->size());
}

awaitable<void> TicketService::open_follow_up(domain::Id closed_id, const IngestResult& result) {
  auto closed = co_await tickets_.get(closed_id);
  if (!closed) co_return;
  if (closed->closed_at && result.message.created_at < *closed->closed_at) co_return;  // written before
  json body{{"subject", clipped("Follow-up: " + closed->subject, domain::kTicketSubjectMaxBytes)},
            {"description", clipped(result.message.content, domain::kTicketDescriptionMaxBytes)},
            {"type", domain::to_string(closed->type)},
            {"priority", domain::to_string(closed->priority)},
            {"tags", closed->tags}};
  if (closed->requester_id) body["requester_id"] = std::to_string(*closed->requester_id);
  if (closed->team) body["team"] = *closed->team;
  if (closed->assignee_id) body["assignee_id"] = std::to_string(*closed->assignee_id);
  const TicketActor customer{std::nullopt, "customer"};
  auto created = co_await create_as(customer, body, result.conversation.id, "follow_up");
  if (!created && closed->assignee_id) {
    body.erase("assignee_id");  // the former assignee may have left
    created = co_await create_as(customer, body, result.conversation.id, "follow_up");
  }
  if (!created) {
    log()->warn("follow-up of closed ticket {} not created: {}", closed_id, created.error().detail);
    co_return;
  }
  TicketLink link{created->id, closed_id, "follow_up", {}};
  if (auto linked = co_await tickets_.link(std::move(link)); !linked) {
    log()->warn("follow-up ticket {} not linked: {}", created->id, linked.error().detail);
  }
  log()->info("ticket {} follows up closed ticket {}", created->id, closed_id);
}

}  // namespace cc::services
