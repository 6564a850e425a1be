#pragma once
// The email channel's outbound half: builds the agent's reply (email_mime_builder.hpp) threaded
// on the conversation's Message-IDs and submits it to the account's smtp_relay. The Message-ID
// we generate is the provider message id, so a later bounce (DSN) finds the message. 4xx and
// network trouble -> retry, 5xx -> failed. Thread-safe; one SMTP connection per send.
#include <boost/asio/any_io_executor.hpp>

#include "cc/services/ports/channel_sender.hpp"
#include "cc/services/ports/email_thread_store.hpp"

namespace cc::channels::email {

class EmailSender final : public services::ChannelSender {
 public:
  EmailSender(boost::asio::any_io_executor executor, services::EmailThreadStore& threads, std::string helo_name);
  boost::asio::awaitable<services::SendOutcome> send(const services::OutboxItem& item) override;

 private:
  boost::asio::any_io_executor executor_;
  services::EmailThreadStore& threads_;
  std::string helo_name_;
};

}  // namespace cc::channels::email
