#pragma once
// Twilio's request signature (X-Twilio-Signature): base64(HMAC-SHA1(auth_token, url + for each
// POST field sorted by name: name + value)). `url` is the public URL the provider called, query
// string included: behind a proxy it is the account's public_base_url plus the request target,
// never the address this server sees. Pure.
#include <string>
#include <string_view>

#include "cc/channels/sms/sms_form.hpp"

namespace cc::channels::sms {

std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             const FormFields& fields);
// Constant-time comparison; false for an empty token or header.
bool verify_twilio_signature(std::string_view auth_token, std::string_view url,
                             const FormFields& fields, std::string_view header);
// public_base_url (a trailing '/' dropped) + the request target (path and query as received).
std::string public_request_url(std::string_view public_base_url, std::string_view target);

}  // namespace cc::channels::sms
