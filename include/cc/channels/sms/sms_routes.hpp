#pragma once
// The SMS channel's HTTP endpoints: the Twilio inbound webhook and delivery status callback
// under /webhooks/sms/{channel_account_id} (signature verified, answered with TwiML only after
// COMMIT), and POST /api/v1/channels/sms/segments for agents counting parts before sending.
#include "cc/channels/sms/sms_config.hpp"
#include "cc/net/router.hpp"
#include "cc/services/auth_service.hpp"
#include "cc/services/channel_account_service.hpp"
#include "cc/services/delivery_reports.hpp"
#include "cc/services/ingest_service.hpp"
#include "cc/services/ports/opt_out_store.hpp"

namespace cc::channels::sms {

struct SmsContext {
  services::ChannelAccountService& accounts;
  services::IngestService& ingest;
  services::OptOutStore& opt_outs;
  services::DeliveryReports& delivery_reports;
  services::AuthService& auth;
};

void add_sms_routes(net::Router& router, SmsContext& sms);

}  // namespace cc::channels::sms
