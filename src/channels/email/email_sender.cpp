#include "cc/channels/email/email_sender.hpp"

#include <nlohmann/json.hpp>

#include "cc/async/log.hpp"
#include "cc/channels/email/email_config.hpp"
#include "cc/channels/email/email_inbound.hpp"
#include "cc/channels/email/email_mime_builder.hpp"
#include "cc/crypto/encoding.hpp"
#include "cc/crypto/random.hpp"
#include "cc/domain/identifiers.hpp"
#include "cc/net/smtp_client.hpp"

namespace cc::channels::email {
namespace {

using boost::asio::awaitable;
using services::SendOutcome;

std::shared_ptr<spdlog::logger> logger() { return async::module_logger("email"); }

SendOutcome outcome(SendOutcome::Kind kind, std::string error, std::string reason) {
  SendOutcome out;
  out.kind = kind;
  out.error = std::move(error);
  out.reason = std::move(reason);
  return out;
}

}  // namespace

EmailSender::EmailSender(boost::asio::any_io_executor executor, services::EmailThreadStore& threads,
                         std::string helo_name)
    : executor_(std::move(executor)), threads_(threads), helo_name_(std::move(helo_name)) {}

awaitable<SendOutcome> EmailSender::send(const services::OutboxItem& item) {
  const auto config = parse_email_config(nlohmann::json::parse(item.account_config_json, nullptr, false));
  if (!config || !config->smtp_relay) {
    co_return outcome(SendOutcome::Kind::failed, "the email account has no usable smtp_relay", "config");
  }
  const auto recipient = domain::normalize_email(item.recipient);
  if (!recipient) co_return outcome(SendOutcome::Kind::failed, "the recipient is not an email address", "recipient");
  auto thread = co_await threads_.thread_of(item.conversation_id, 20);
  if (!thread) co_return outcome(SendOutcome::Kind::retry, thread.error().detail, "unavailable");

  const auto& from = config->addresses.front();
  const auto domain_part = from.substr(from.find('@') + 1);
  const auto message_id = "outbox-" + std::to_string(item.id) + "." +
                          crypto::to_hex(crypto::random_bytes(6)) + "@" + domain_part;
  OutgoingEmail email;
  email.from_address = from;
  email.reply_to = plus_address(from, item.conversation_id);
  email.to = *recipient;
  email.subject = reply_subject(thread->subject);
  email.text = item.message.content;
  email.message_id = message_id;
  email.references = thread->message_ids;
  email.date = std::chrono::system_clock::now();

  const auto& relay = *config->smtp_relay;
  net::SmtpClientOptions options;
  options.host = relay.host;
  options.port = static_cast<std::uint16_t>(relay.port);
  options.helo_name = helo_name_;
  options.username = relay.username;
  options.password = relay.password;
  options.starttls = relay.starttls;
  net::SmtpSubmission submission;
  submission.mail_from = from;  // bounces come back to our listener
  submission.recipients = {*recipient};
  submission.data = build_mime(email);
  auto result = co_await net::smtp_submit(executor_, std::move(options), std::move(submission));
  if (result.kind == net::SmtpClientResult::Kind::temporary) {
    logger()->warn("email outbox {} to relay {}: {}", item.id, relay.host, result.text);
    co_return outcome(SendOutcome::Kind::retry, result.text, "relay_temporary");
  }
  if (result.kind == net::SmtpClientResult::Kind::permanent) {
    logger()->warn("email outbox {} refused by relay {}: {}", item.id, relay.host, result.text);
    co_return outcome(SendOutcome::Kind::failed, result.text, "relay_rejected");
  }
  auto remembered = co_await threads_.remember(item.channel_account_id, message_id, item.conversation_id,
                                               domain::Direction::outbound, email.subject);
  if (!remembered) {
    logger()->warn("email outbox {}: Message-ID not recorded: {}", item.id, remembered.error().detail);
  }
  SendOutcome sent;
  sent.kind = SendOutcome::Kind::sent;
  sent.provider_message_id = message_id;
  co_return sent;
}

}  // namespace cc::channels::email
