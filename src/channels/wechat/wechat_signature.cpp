#include "cc/channels/wechat/wechat_signature.hpp"

#include <algorithm>
#include <vector>

#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"

namespace cc::channels::wechat {

std::string sorted_sha1_signature(std::initializer_list<std::string_view> parts) {
  std::vector<std::string_view> sorted(parts);
  std::sort(sorted.begin(), sorted.end());  // byte-wise, as the platform's samples do
  std::string joined;
  for (auto part : sorted) joined.append(part);
  return crypto::to_hex(crypto::sha1(joined));
}

std::string url_signature(std::string_view token, std::string_view timestamp, std::string_view nonce) {
  return sorted_sha1_signature({token, timestamp, nonce});
}

std::string message_signature(std::string_view token, std::string_view timestamp,
                              std::string_view nonce, std::string_view encrypt) {
  return sorted_sha1_signature({token, timestamp, nonce, encrypt});
}

bool signature_matches(std::string_view expected, std::string_view received) {
  if (received.size() != expected.size()) return false;
  std::string lowered(received);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return crypto::constant_time_equal(expected, lowered);
}

}  // namespace cc::channels::wechat
