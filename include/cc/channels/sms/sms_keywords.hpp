#pragma once
// The carrier-style keywords an SMS customer may send as the whole message: opt-out (STOP,
// STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, 退订, TD), opt-in (START, YES, UNSTOP) and HELP.
// Matched case-insensitively after trimming white space (ASCII and the ideographic space). Pure.
#include <string_view>

namespace cc::channels::sms {

enum class SmsKeyword { none, opt_out, opt_in, help };

SmsKeyword classify_keyword(std::string_view body);
const char* keyword_name(SmsKeyword keyword);  // "none", "opt_out", "opt_in", "help"

}  // namespace cc::channels::sms
