#pragma once
// Loop protection: recognises mail written by a machine (auto-replies, bulk and list mail,
// bounces) so that it is stored but never routed to agents or answered automatically.
#include <string>
#include <string_view>

namespace cc::channels::email {

struct AutoMailHeaders {
  std::string auto_submitted;  // Auto-Submitted (RFC 3834)
  std::string x_autoreply;     // X-Autoreply
  std::string x_autorespond;   // X-Autorespond
  std::string precedence;      // Precedence
  std::string from_address;    // lower-cased From address
  std::string envelope_from;   // SMTP MAIL FROM; "" for the null reverse path (<>)
  bool envelope_known = false; // false for webhook deliveries
  bool delivery_report = false;  // multipart/report; report-type=delivery-status
};

// Why this mail was machine-written ("auto-submitted: auto-replied", "precedence: bulk",
// "sender: mailer-daemon", "null reverse path", "delivery report"), or "" for a person's mail.
std::string machine_mail_reason(const AutoMailHeaders& headers);

}  // namespace cc::channels::email
