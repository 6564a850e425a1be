#include "cc/channels/wechat/wechat_push.hpp"

#include <charconv>

#include "cc/channels/wechat/wechat_crypto.hpp"
#include "cc/channels/wechat/wechat_signature.hpp"

namespace cc::channels::wechat {
namespace {

constexpr std::size_t kMaxQueryValueBytes = 128;

Error refused(std::string detail) { return Error{ErrorCode::unauthorized, std::move(detail), {}}; }

bool timestamp_in_window(std::string_view timestamp, std::int64_t now_seconds, std::chrono::seconds window) {
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
  if (timestamp.empty() || ec != std::errc{} || end != timestamp.data() + timestamp.size()) return false;
  const auto skew = seconds > now_seconds ? seconds - now_seconds : now_seconds - seconds;
  return skew <= window.count();
}

}  // namespace

bool verify_url(const WechatConfig& config, const PushQuery& query) {
  if (query.timestamp.empty() || query.nonce.empty() || query.timestamp.size() > kMaxQueryValueBytes ||
      query.nonce.size() > kMaxQueryValueBytes) {
    return false;
  }
  return signature_matches(url_signature(config.token, query.timestamp, query.nonce), query.signature);
}

Result<OpenedPush> open_push(const WechatConfig& config, const PushQuery& query, std::string_view body,
                             std::int64_t now_seconds, std::chrono::seconds timestamp_window) {
  if (!verify_url(config, query)) return refused("the signature does not match");
  if (!timestamp_in_window(query.timestamp, now_seconds, timestamp_window)) {
    return refused("the timestamp is too far from now");
  }
  auto outer = parse_wechat_xml(body);
  if (!outer) return outer.error();
  const bool has_encrypt = outer->has("Encrypt");
  const bool has_plain = outer->has("MsgType");
  if (!has_encrypt) {
    if (query.encrypt_type == "aes") return Error{ErrorCode::malformed, "encrypt_type=aes without Encrypt", {}};
    return OpenedPush{std::move(*outer), PushMode::plaintext};
  }
  // Compatible mode sends both forms; the encrypted one is the one the platform vouches for.
  if (config.aes_key.empty()) {
    return refused("the push is encrypted but the account has no encoding_aes_key");
  }
  const auto encrypt = outer->get("Encrypt");
  if (!signature_matches(message_signature(config.token, query.timestamp, query.nonce, encrypt),
                         query.msg_signature)) {
    return refused("msg_signature does not match");
  }
  auto inner_text = decrypt_message(config.aes_key, encrypt, config.app_id);
  if (!inner_text) return inner_text.error();
  auto inner = parse_wechat_xml(*inner_text);
  if (!inner) return inner.error();
  return OpenedPush{std::move(*inner), has_plain ? PushMode::compatible : PushMode::safe};
}

}  // namespace cc::channels::wechat
