#pragma once
// Maps a parsed WeChat push to the ingest pipeline's InboundMessage. Pure: no I/O.
#include <string>
#include <string_view>

#include "cc/channels/wechat/wechat_xml.hpp"
#include "cc/domain/types.hpp"

namespace cc::channels::wechat {

inline constexpr const char* kOpenidType = "wechat_openid";
inline constexpr const char* kUnionidType = "wechat_unionid";

// Messages (text, image, voice, video, shortvideo, location, link) and events (subscribe,
// unsubscribe, CLICK, VIEW, SCAN; other events are stored but not routed to agents).
Result<domain::InboundMessage> inbound_from_push(const WechatXml& push, domain::Id channel_account_id,
                                                 std::string_view app_id);

// The dedupe key: MsgId for messages; "event:" FromUserName ":" CreateTime ":" Event for events,
// which the platform retries without a MsgId.
std::string provider_message_id_of(const WechatXml& push);

}  // namespace cc::channels::wechat
