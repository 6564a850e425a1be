#pragma once
// The TwiML a messaging webhook answers with: empty (acknowledged, nothing to say), or one
// <Message> (the HELP text). Pure.
#include <string>
#include <string_view>

namespace cc::channels::sms {

std::string empty_twiml();
std::string message_twiml(std::string_view text);
std::string xml_escape(std::string_view text);

}  // namespace cc::channels::sms
