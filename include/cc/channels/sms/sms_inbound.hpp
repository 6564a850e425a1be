#pragma once
// Turns a verified Twilio inbound webhook (MessageSid, AccountSid, From, To, Body, NumMedia,
// MediaUrlN, MediaContentTypeN, NumSegments) into the ingest pipeline's InboundMessage, and
// the keyword it carries. Pure.
#include "cc/channels/sms/sms_config.hpp"
#include "cc/channels/sms/sms_form.hpp"
#include "cc/channels/sms/sms_keywords.hpp"
#include "cc/domain/types.hpp"

namespace cc::channels::sms {

inline constexpr int kMaxMedia = 10;  // Twilio's own limit per message

struct SmsInbound {
  domain::InboundMessage message;
  SmsKeyword keyword = SmsKeyword::none;
};

// invalid (422) when a required field is missing or out of shape; forbidden when AccountSid is
// not the account's.
Result<SmsInbound> build_inbound(domain::Id channel_account_id, const SmsConfig& config,
                                 const FormFields& form);

}  // namespace cc::channels::sms
