#pragma once
// The JSON shapes of tickets and their parts, shared by REST responses and WebSocket events.
#include <nlohmann/json.hpp>

#include "cc/domain/ticket.hpp"
#include "cc/services/ports/ticket_repository.hpp"

namespace cc::services {

nlohmann::json ticket_json(const domain::Ticket& ticket);
nlohmann::json ticket_json(const TicketNote& note);
nlohmann::json ticket_json(const TicketHistoryEntry& entry);
nlohmann::json ticket_json(const TicketLink& link);
nlohmann::json ticket_json(const SlaPolicy& policy);
nlohmann::json ticket_json(const CalendarDefinition& calendar);

}  // namespace cc::services
