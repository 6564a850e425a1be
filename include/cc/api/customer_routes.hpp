#pragma once
// REST routes of the identity module: customers (search, 360 profile, unmerge), merge
// suggestions, integration keys and business events. Registered by app/ wiring.
#include "cc/api/api_context.hpp"
#include "cc/net/router.hpp"
#include "cc/services/customer_service.hpp"

namespace cc::api {

void add_customer_routes(net::Router& router, ApiContext& api, services::CustomerService& customers);
void add_business_event_routes(net::Router& router, ApiContext& api, services::CustomerService& customers);

}  // namespace cc::api
