#pragma once
// /api/v1/canned-replies: list (any agent: team + own personal, ?prefix= on the shortcut),
// create, replace (PUT) and delete. Shapes in web/openapi.json.
#include "cc/api/api_context.hpp"
#include "cc/net/router.hpp"
#include "cc/services/canned_reply_service.hpp"

namespace cc::api {

struct CannedReplyApiContext {
  ApiContext& api;
  services::CannedReplyService& replies;
};

void add_canned_reply_routes(net::Router& router, CannedReplyApiContext& context);

}  // namespace cc::api
