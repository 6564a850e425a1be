#include "cc/channels/wechat/wechat_inbound.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "cc/domain/text_limits.hpp"

namespace cc::channels::wechat {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxOpenidBytes = 128;
constexpr std::int64_t kLatestCreateTime = 7258118400;  // 2200-01-01, as domain::parse_time

Error malformed(std::string detail) { return Error{ErrorCode::malformed, std::move(detail), {}}; }

bool is_openid(std::string_view text) {
  if (text.empty() || text.size() > kMaxOpenidBytes) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

std::optional<std::int64_t> create_time_of(const WechatXml& push) {
  const auto text = push.get("CreateTime");
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || seconds < 0 ||
      seconds > kLatestCreateTime) {
    return std::nullopt;
  }
  return seconds;
}

// Adds the named XML fields to the metadata object under snake_case keys, when present.
void copy_fields(const WechatXml& push, json& metadata,
                 std::initializer_list<std::pair<const char*, const char*>> names) {
  for (const auto& [xml_name, key] : names) {
    if (push.has(xml_name)) metadata[key] = push.get(xml_name);
  }
}

struct Described {
  std::string content_type;
  std::string content;
  bool routable = true;
};

Described describe_event(const WechatXml& push, json& metadata) {
  const auto event = push.get("Event");
  metadata["event"] = event;
  copy_fields(push, metadata, {{"EventKey", "event_key"}, {"Ticket", "ticket"}});
  const auto key = push.get("EventKey");
  if (event == "subscribe") {
    // Subscribing through a parametric QR code carries EventKey "qrscene_<scene>".
    return {"event", key.empty() ? "[subscribed]" : "[subscribed via QR code " + key + "]"};
  }
  if (event == "unsubscribe") return {"event", "[unsubscribed]", false};
  if (event == "CLICK") return {"event", "[menu click: " + key + "]"};
  if (event == "VIEW") return {"event", "[menu link opened: " + key + "]"};
  if (event == "SCAN") return {"event", "[scanned QR code " + key + "]"};
  // LOCATION reports, template/mass-send job reports and the like: kept, never routed.
  return {"event", "[event " + event + "]", false};
}

Result<Described> describe(const WechatXml& push, const std::string& type, json& metadata) {
  if (type == "text") {
    auto content = push.get("Content");
    if (content.empty()) return malformed("a text message needs Content");
    return Described{"text", std::move(content)};
  }
  if (type == "image") {
    copy_fields(push, metadata, {{"PicUrl", "pic_url"}, {"MediaId", "media_id"}});
    return Described{"image", "[image]"};
  }
  if (type == "voice") {
    copy_fields(push, metadata, {{"MediaId", "media_id"}, {"Format", "format"}, {"Recognition", "recognition"}});
    const auto recognition = push.get("Recognition");
    return Described{"voice", recognition.empty() ? "[voice message]" : recognition};
  }
  if (type == "video" || type == "shortvideo") {
    copy_fields(push, metadata, {{"MediaId", "media_id"}, {"ThumbMediaId", "thumb_media_id"}});
    metadata["short_video"] = type == "shortvideo";
    return Described{"video", type == "video" ? "[video]" : "[short video]"};
  }
  if (type == "location") {
    json location = json::object();
    copy_fields(push, location,
                {{"Location_X", "latitude"}, {"Location_Y", "longitude"}, {"Scale", "scale"}, {"Label", "label"}});
    metadata["location"] = location;
    const auto label = push.get("Label");
    return Described{"location", "[location] " + (label.empty() ? push.get("Location_X") + "," + push.get("Location_Y") : label)};
  }
  if (type == "link") {
    json link = json::object();
    copy_fields(push, link, {{"Title", "title"}, {"Description", "description"}, {"Url", "url"}});
    metadata["link"] = link;
    return Described{"link", "[link] " + push.get("Title") + " " + push.get("Url")};
  }
  if (type == "event") return describe_event(push, metadata);
  // A type this adapter does not know yet (mini-program cards ...): agents still see it.
  return Described{type, "[" + type + " message]"};
}

}  // namespace

std::string provider_message_id_of(const WechatXml& push) {
  const auto type = push.get("MsgType");
  if (type != "event" && !push.get("MsgId").empty()) return push.get("MsgId");
  std::string key = (type == "event" ? "event:" : "msg:") + push.get("FromUserName") + ":" +
                    push.get("CreateTime") + ":";
  return key + (type == "event" ? push.get("Event") : type);
}

Result<domain::InboundMessage> inbound_from_push(const WechatXml& push, domain::Id channel_account_id,
                                                 std::string_view app_id) {
  const auto openid = push.get("FromUserName");
  if (!is_openid(openid)) return malformed("FromUserName must be an openid");
  const auto created = create_time_of(push);
  if (!created) return malformed("CreateTime must be seconds since 1970");
  const auto type = push.get("MsgType");
  if (type.empty() || type.size() > 32) return malformed("MsgType is missing");
  if (type == "event" && (push.get("Event").empty() || push.get("Event").size() > 64)) {
    return malformed("an event push needs Event");
  }
  if (push.get("MsgId").size() > 64) return malformed("MsgId is too long");
  json metadata = json::object();
  auto described = describe(push, type, metadata);
  if (!described) return described.error();
  if (!domain::is_valid_utf8(described->content)) return malformed("the message is not valid UTF-8");
  if (described->content.size() > domain::kMaxMessageBytes) {
    return Error{ErrorCode::too_large, "the message content is larger than 16 KiB", {}};
  }
  if (const auto msg_id = push.get("MsgId"); !msg_id.empty()) metadata["msg_id"] = msg_id;
  metadata["msg_type"] = type;

  domain::InboundMessage message;
  message.channel_account_id = channel_account_id;
  message.channel = domain::Channel::wechat;
  message.provider_message_id = provider_message_id_of(push);
  message.identifiers.push_back({kOpenidType, std::string(app_id) + ":" + openid, true});
  for (const char* name : {"UnionId", "UnionID", "unionid"}) {
    if (const auto unionid = push.get(name); is_openid(unionid)) {
      message.identifiers.push_back({kUnionidType, unionid, true});
      metadata["unionid"] = unionid;
      break;
    }
  }
  message.content = std::move(described->content);
  message.content_type = std::move(described->content_type);
  message.provider_time = domain::TimePoint(std::chrono::seconds(*created));
  message.reply_address = openid;
  message.metadata_json = metadata.dump(-1, ' ', false, json::error_handler_t::replace);
  message.routable = described->routable;
  return message;
}

}  // namespace cc::channels::wechat
