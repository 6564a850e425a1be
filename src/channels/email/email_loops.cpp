#include "cc/channels/email/email_loops.hpp"

#include <algorithm>
#include <cctype>

namespace cc::channels::email {
namespace {

std::string lower_trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_system_sender(std::string_view address) {
  const auto at = address.find('@');
  const auto local = address.substr(0, at);
  return local == "mailer-daemon" || local == "postmaster";
}

}  // namespace

std::string machine_mail_reason(const AutoMailHeaders& headers) {
  if (headers.delivery_report) return "delivery report";
  if (const auto value = lower_trimmed(headers.auto_submitted); !value.empty() && value != "no") {
    // "auto-replied; owner-email=..." -> "auto-replied"
    return "auto-submitted: " + value.substr(0, value.find(';'));
  }
  if (!lower_trimmed(headers.x_autoreply).empty()) return "x-autoreply";
  if (!lower_trimmed(headers.x_autorespond).empty()) return "x-autorespond";
  if (const auto value = lower_trimmed(headers.precedence);
      value == "bulk" || value == "auto_reply" || value == "list" || value == "junk") {
    return "precedence: " + value;
  }
  if (is_system_sender(lower_trimmed(headers.from_address))) {
    return "sender: " + lower_trimmed(headers.from_address).substr(0, headers.from_address.find('@'));
  }
  if (headers.envelope_known && headers.envelope_from.empty()) return "null reverse path";
  return {};
}

}  // namespace cc::channels::email
