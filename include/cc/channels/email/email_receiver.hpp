#pragma once
// Receives inbound mail for the email channel, from the SMTP listener and from the webhook:
// finds the channel account of the recipient address (a cache of every active email account's
// `addresses`, refreshed every 30 s), parses the mail, applies a bounce to the message it
// reports on, and stores the mail through the ingest pipeline. deliver() answers only after the
// commit: 250 stored, 451 when PostgreSQL is down (the sender retries), 550 refused.
// Thread-safe.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "cc/channels/email/email_parser.hpp"
#include "cc/net/smtp_session.hpp"
#include "cc/services/channel_account_service.hpp"
#include "cc/services/delivery_reports.hpp"
#include "cc/services/ingest_service.hpp"
#include "cc/services/ports/email_thread_store.hpp"

namespace cc::channels::email {

struct EmailReceipt {
  bool duplicate = false;
  bool routable = true;
  domain::Id conversation_id = 0;
  domain::Id message_id = 0;
  bool bounce_applied = false;  // a DSN marked one of our messages failed
};

class EmailReceiver {
 public:
  EmailReceiver(services::ChannelAccountService& accounts, services::IngestService& ingest,
                services::DeliveryReports& reports, services::EmailThreadStore& threads);

  // The SMTP listener's callbacks (net::SmtpRecipientCheck, net::SmtpDeliver).
  boost::asio::awaitable<net::SmtpVerdict> check_recipient(std::string address);
  boost::asio::awaitable<net::SmtpVerdict> deliver(net::SmtpEnvelope envelope, std::string raw);

  // Shared by SMTP and the webhook. envelope_from is nullopt when unknown (webhook).
  boost::asio::awaitable<Result<EmailReceipt>> receive(domain::Id channel_account_id,
                                                       std::string recipient, std::string raw,
                                                       std::optional<std::string> envelope_from);

  // Attachment limits of the parse (see ParseLimits). Call while wiring, before mail arrives.
  void set_attachment_limits(std::size_t max_bytes, std::size_t max_count) {
    parse_limits_.max_attachment_bytes = max_bytes;
    parse_limits_.max_attachments = max_count;
  }

  // The active email account receiving for `address` (plus-tags ignored); nullopt: none.
  boost::asio::awaitable<Result<std::optional<domain::Id>>> account_for(std::string address);

 private:
  boost::asio::awaitable<Status> refresh_directory();

  services::ChannelAccountService& accounts_;
  services::IngestService& ingest_;
  services::DeliveryReports& reports_;
  services::EmailThreadStore& threads_;
  ParseLimits parse_limits_;
  std::mutex mutex_;
  std::map<std::string, domain::Id> directory_;  // address -> account id
  std::chrono::steady_clock::time_point refreshed_{};
  bool loaded_ = false;
};

}  // namespace cc::channels::email
