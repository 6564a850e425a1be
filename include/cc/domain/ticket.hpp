#pragma once
// Tickets: the work that outlives a conversation. The record, its closed vocabularies and the
// lifecycle rules (which state may follow which). Pure; services enforce these before storing.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::domain {

enum class TicketState { new_, open, pending, on_hold, solved, closed };
enum class TicketType { question, incident, problem, task, complaint, return_, exchange };
enum class TicketPriority { low, normal, high, urgent };

std::string_view to_string(TicketState state);
std::string_view to_string(TicketType type);
std::string_view to_string(TicketPriority priority);
std::optional<TicketState> parse_ticket_state(std::string_view text);
std::optional<TicketType> parse_ticket_type(std::string_view text);
std::optional<TicketPriority> parse_ticket_priority(std::string_view text);

inline constexpr TicketState kAllTicketStates[] = {TicketState::new_,    TicketState::open,
                                                   TicketState::pending, TicketState::on_hold,
                                                   TicketState::solved,  TicketState::closed};

// The states `from` may move to, in table order. Closed has none (closed tickets are immutable;
// a follow-up ticket links to them); nothing returns to new.
std::vector<TicketState> allowed_transitions(TicketState from);
// invalid_transition naming both states, or Ok.
Status check_transition(TicketState from, TicketState to);
// A customer writing again: a solved ticket reopens, one waiting on them (pending) opens;
// nullopt when the state stays as it is.
std::optional<TicketState> state_after_customer_reply(TicketState current);
// SLA timers stand still while the ticket waits on the customer or a third party.
bool sla_paused_in(TicketState state);
// Closed and solved tickets run no SLA timers.
bool sla_running_in(TicketState state);
// One step up (low -> normal -> high -> urgent); urgent stays urgent.
TicketPriority raised(TicketPriority priority);

enum class SlaTarget { first_reply, next_reply, resolution };
inline constexpr SlaTarget kAllSlaTargets[] = {SlaTarget::first_reply, SlaTarget::next_reply,
                                               SlaTarget::resolution};

// The SLA timer state stored with a ticket (see sla.hpp): a running target has a due time; a
// paused one has the business seconds it had left; a met or absent one has neither.
struct SlaClock {
  std::optional<TimePoint> due[3];
  std::optional<std::chrono::seconds> remaining[3];
  std::optional<TimePoint> paused_at;
  std::optional<TimePoint>& due_of(SlaTarget t) { return due[static_cast<int>(t)]; }
  const std::optional<TimePoint>& due_of(SlaTarget t) const { return due[static_cast<int>(t)]; }
};

struct Ticket {
  Id id = 0;
  std::optional<Id> requester_id;
  std::optional<Id> assignee_id;
  std::optional<std::string> team;
  TicketState state = TicketState::new_;
  TicketType type = TicketType::question;
  TicketPriority priority = TicketPriority::normal;
  std::string subject;
  std::string description;
  std::vector<std::string> tags;
  std::string custom_fields_json = "{}";  // a JSON object, validated by services
  std::string source = "api";
  int version = 1;
  std::optional<Id> merged_into_id;
  std::optional<Id> sla_policy_id;
  std::string sla_status = "none";  // none, ok, warning, breached, paused, met
  SlaClock sla;
  std::optional<TimePoint> next_sla_due_at;  // the earliest running due time (list sort key)
  std::optional<TimePoint> next_sla_check_at;  // when the SLA worker looks again (warning or due)
  std::optional<TimePoint> first_replied_at;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> solved_at;
  std::optional<TimePoint> closed_at;
};

// Limits on what clients may put in a ticket.
inline constexpr std::size_t kTicketSubjectMaxBytes = 500;
inline constexpr std::size_t kTicketDescriptionMaxBytes = 64 * 1024;
inline constexpr std::size_t kTicketTagMaxBytes = 64;
inline constexpr std::size_t kTicketMaxTags = 50;
inline constexpr std::size_t kTicketNoteMaxBytes = 16 * 1024;

// "@handle" words in a note body, lower-cased, without the "@", in order, without repeats.
// A handle is letters, digits and . _ - + (an e-mail address or its local part); an "@"
// inside a word (a@b) is not a mention.
std::vector<std::string> extract_mentions(std::string_view body);

}  // namespace cc::domain
