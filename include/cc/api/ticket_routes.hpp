#pragma once
// REST routes of tickets (/api/v1/tickets...), ticket creation from a conversation, SLA
// policies and business calendars (admin). See docs/tickets.md for the shapes.
#include "cc/api/api_context.hpp"
#include "cc/net/router.hpp"
#include "cc/services/ticket_service.hpp"

namespace cc::api {

struct TicketApiContext {
  ApiContext& api;
  services::TicketService& tickets;
  services::TicketRepository& repository;  // SLA policy and calendar administration
};

void add_ticket_routes(net::Router& router, TicketApiContext& context);

}  // namespace cc::api
