#pragma once
// GET /api/v1/attachments/{id}: the bytes of a stored attachment for an agent who may see its
// conversation (404 otherwise, and for unknown ids). Only allow-listed types are served with
// their own Content-Type and inline (domain::served_inline); everything else as
// application/octet-stream with Content-Disposition: attachment. Always
// X-Content-Type-Options: nosniff and Content-Security-Policy: sandbox.
#include "cc/api/api_context.hpp"
#include "cc/net/router.hpp"
#include "cc/services/attachment_service.hpp"

namespace cc::api {

struct AttachmentApiContext {
  ApiContext& api;
  services::AttachmentService& attachments;
};

void add_attachment_routes(net::Router& router, AttachmentApiContext& context);

}  // namespace cc::api
