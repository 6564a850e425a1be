#pragma once
// The WeChat adapter's outbound half: an agent's reply goes out through the customer-service
// message API (POST /cgi-bin/message/custom/send) to the conversation's openid. A refused
// token is refreshed and the call retried once, inline. WeChat has no idempotency key and no
// way to list sent customer-service messages, so reconcile() keeps the default "unknown": the
// outbox marks an interrupted send in_doubt instead of sending it again. Owned by app/.
#include "cc/channels/wechat/wechat_access_tokens.hpp"
#include "cc/net/http_client.hpp"
#include "cc/services/ports/channel_sender.hpp"

namespace cc::channels::wechat {

class WechatSender final : public services::ChannelSender {
 public:
  WechatSender(net::HttpClient& http, WechatAccessTokens& tokens) : http_(http), tokens_(tokens) {}
  boost::asio::awaitable<services::SendOutcome> send(const services::OutboxItem& item) override;

 private:
  boost::asio::awaitable<net::ClientResponse> post(const WechatConfig& config, const std::string& token,
                                                   const std::string& body);

  net::HttpClient& http_;
  WechatAccessTokens& tokens_;
};

}  // namespace cc::channels::wechat
