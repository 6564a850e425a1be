#pragma once
// Opens one POSTed push: checks the signatures from the query string, decrypts safe-mode and
// compatible-mode bodies, and parses the XML. Pure (the clock is a parameter), so that unit tests
// and the fuzzer drive it without HTTP.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "cc/channels/wechat/wechat_config.hpp"
#include "cc/channels/wechat/wechat_xml.hpp"

namespace cc::channels::wechat {

struct PushQuery {
  std::string signature;      // SHA1(sorted token, timestamp, nonce): every mode
  std::string timestamp;
  std::string nonce;
  std::string encrypt_type;   // "aes" in compatible and safe mode
  std::string msg_signature;  // SHA1(sorted token, timestamp, nonce, Encrypt)
};

enum class PushMode { plaintext, compatible, safe };

struct OpenedPush {
  WechatXml xml;
  PushMode mode = PushMode::plaintext;
};

// Errors: unauthorized (a signature, the timestamp or the app id trailer does not match),
// malformed (not the expected XML), too_large (over kMaxXmlBytes).
Result<OpenedPush> open_push(const WechatConfig& config, const PushQuery& query, std::string_view body,
                             std::int64_t now_seconds, std::chrono::seconds timestamp_window);

// GET verification: true when `signature` signs (token, timestamp, nonce).
bool verify_url(const WechatConfig& config, const PushQuery& query);

}  // namespace cc::channels::wechat
