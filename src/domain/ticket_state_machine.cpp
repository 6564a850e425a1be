// The ticket lifecycle table. new -> open/pending/on_hold/solved; open, pending and on_hold move
// among themselves and to solved; solved reopens or closes; closed is final.
#include <algorithm>

#include "cc/domain/ticket.hpp"

namespace cc::domain {

std::vector<TicketState> allowed_transitions(TicketState from) {
  using S = TicketState;
  switch (from) {
    case S::new_: return {S::open, S::pending, S::on_hold, S::solved};
    case S::open: return {S::pending, S::on_hold, S::solved};
    case S::pending: return {S::open, S::on_hold, S::solved};
    case S::on_hold: return {S::open, S::pending, S::solved};
    case S::solved: return {S::open, S::closed};
    case S::closed: return {};
  }
  return {};
}

Status check_transition(TicketState from, TicketState to) {
  const auto allowed = allowed_transitions(from);
  if (std::find(allowed.begin(), allowed.end(), to) != allowed.end()) return Ok{};
  std::string detail = "a " + std::string(to_string(from)) + " ticket cannot become " +
                       std::string(to_string(to));
  if (from == TicketState::closed) detail += " (closed tickets are immutable; open a follow-up)";
  return Error{ErrorCode::invalid_transition, std::move(detail), "to"};
}

std::optional<TicketState> state_after_customer_reply(TicketState current) {
  if (current == TicketState::solved || current == TicketState::pending) return TicketState::open;
  return std::nullopt;
}

bool sla_paused_in(TicketState state) {
  return state == TicketState::pending || state == TicketState::on_hold;
}

bool sla_running_in(TicketState state) {
  return state == TicketState::new_ || state == TicketState::open;
}

TicketPriority raised(TicketPriority priority) {
  switch (priority) {
    case TicketPriority::low: return TicketPriority::normal;
    case TicketPriority::normal: return TicketPriority::high;
    default: return TicketPriority::urgent;
  }
}

}  // namespace cc::domain
