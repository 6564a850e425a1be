#pragma once
// Shared by the WeChat routes: the account lookup, and the agents' media proxy.
#include <boost/asio/awaitable.hpp>
#include <string_view>

#include "cc/channels/wechat/wechat_routes.hpp"

namespace cc::channels::wechat {

struct WechatAccount {
  domain::Id id = 0;
  WechatConfig config;
};

// An active WeChat account by its id text; not_found for unknown, inactive or other channels.
boost::asio::awaitable<Result<WechatAccount>> wechat_account(WechatContext& wechat, std::string_view id_text);

// GET /api/v1/channels/wechat/{channel_account_id}/media/{media_id}: bearer-authenticated; the
// media's bytes (at most kMaxMediaBytes) with the platform's content type.
inline constexpr std::size_t kMaxMediaBytes = 10 * 1024 * 1024;
boost::asio::awaitable<net::Response> fetch_media(WechatContext& wechat, net::RequestContext& context);

}  // namespace cc::channels::wechat
