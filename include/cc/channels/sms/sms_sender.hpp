#pragma once
// The SMS channel's outbound half, called by the outbox dispatcher once per attempt: refuses an
// opted-out number (undeliverable, reason opted_out), else posts to the account's Twilio-
// compatible Messages API. reconcile() asks the provider's message list after a crash, so an
// attempt that reached the provider is recorded as sent instead of being sent twice.
// Stateless apart from its references; any thread.
#include "cc/net/http_client.hpp"
#include "cc/services/ports/channel_sender.hpp"
#include "cc/services/ports/opt_out_store.hpp"

namespace cc::channels::sms {

class SmsSender final : public services::ChannelSender {
 public:
  SmsSender(net::HttpClient& http, services::OptOutStore& opt_outs)
      : http_(http), opt_outs_(opt_outs) {}
  boost::asio::awaitable<services::SendOutcome> send(const services::OutboxItem& item) override;
  boost::asio::awaitable<services::ReconcileOutcome> reconcile(
      const services::OutboxItem& item) override;

 private:
  net::HttpClient& http_;
  services::OptOutStore& opt_outs_;
};

}  // namespace cc::channels::sms
