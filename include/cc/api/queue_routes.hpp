#pragma once
// REST of the assignment engine: queues and agents' routing profiles (supervisors read, admins
// write queues, supervisors set profiles), queue candidates, and offers (the offered agent
// accepts or declines). app/ calls each registrar once.
#include "cc/api/api_context.hpp"
#include "cc/net/router.hpp"
#include "cc/services/assignment_service.hpp"
#include "cc/services/queue_service.hpp"

namespace cc::api {

struct AssignmentApiContext {
  ApiContext& api;
  services::QueueService& queues;
  services::AssignmentService& assignment;
};

void add_queue_routes(net::Router& router, AssignmentApiContext& context);
void add_offer_routes(net::Router& router, AssignmentApiContext& context);

}  // namespace cc::api
