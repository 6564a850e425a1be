#pragma once
// The WeChat Official Account's HTTP endpoints:
//   GET  /webhooks/wechat/{channel_account_id}   server URL verification (echoes echostr)
//   POST /webhooks/wechat/{channel_account_id}   pushes, in plaintext, compatible or safe mode;
//        answered `success` only after the message is committed (a retry is answered again)
//   GET  /api/v1/channels/wechat/{channel_account_id}/media/{media_id}   an agent fetches an
//        image/voice/video from the WeChat media API through the server (bearer token)
#include "cc/channels/wechat/wechat_access_tokens.hpp"
#include "cc/net/http_client.hpp"
#include "cc/net/router.hpp"
#include "cc/services/auth_service.hpp"
#include "cc/services/channel_account_service.hpp"
#include "cc/services/ingest_service.hpp"

namespace cc::channels::wechat {

struct WechatContext {
  services::ChannelAccountService& accounts;
  services::IngestService& ingest;
  services::AuthService& auth;
  WechatAccessTokens& tokens;
  net::HttpClient& http;
  // Pushes signed further from now than this are refused (the platform retries within seconds).
  std::chrono::seconds timestamp_window{std::chrono::hours(1)};
};

void add_wechat_routes(net::Router& router, WechatContext& wechat);

}  // namespace cc::channels::wechat
