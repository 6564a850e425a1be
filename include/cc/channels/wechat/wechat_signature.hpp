#pragma once
// WeChat's request signatures: SHA1 (lower-case hex) of the lexicographically sorted
// concatenation of its parts. URL verification and plaintext pushes sign (token, timestamp,
// nonce); safe-mode pushes and passive replies add the Encrypt text (msg_signature). Pure.
#include <initializer_list>
#include <string>
#include <string_view>

namespace cc::channels::wechat {

std::string sorted_sha1_signature(std::initializer_list<std::string_view> parts);
std::string url_signature(std::string_view token, std::string_view timestamp, std::string_view nonce);
std::string message_signature(std::string_view token, std::string_view timestamp,
                              std::string_view nonce, std::string_view encrypt);
// Constant-time comparison of an expected hex signature with the one received (case-insensitive).
bool signature_matches(std::string_view expected, std::string_view received);

}  // namespace cc::channels::wechat
