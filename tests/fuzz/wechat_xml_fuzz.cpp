// libFuzzer target over the WeChat push path: XML parsing and mapping, base64 + AES decryption
// with the padding/length/app-id checks, and open_push with signatures that pass (so the fuzzer
// reaches the decrypt and the inner parse).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cc/channels/wechat/wechat_crypto.hpp"
#include "cc/channels/wechat/wechat_inbound.hpp"
#include "cc/channels/wechat/wechat_push.hpp"
#include "cc/channels/wechat/wechat_signature.hpp"
#include "cc/channels/wechat/wechat_xml.hpp"
#include "cc/crypto/encoding.hpp"

using namespace cc::channels::wechat;

namespace {

const WechatConfig& config() {
  static const WechatConfig value = [] {
    WechatConfig c;
    c.app_id = "wx5823bf96d3bd56c7";
    c.app_secret = "secret";
    c.token = "QDG6eK";
    c.encoding_aes_key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    c.aes_key = *aes_key_from_encoding_key(c.encoding_aes_key);
    return c;
  }();
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {  // a plaintext push
      auto xml = parse_wechat_xml(input);
      if (xml) (void)inbound_from_push(*xml, 1, config().app_id);
      break;
    }
    case 1: {  // the ciphertext as raw bytes: every padding and length field
      (void)decrypt_message(config().aes_key, cc::crypto::base64_encode(input), config().app_id);
      break;
    }
    case 2: {  // the input is the Encrypt text itself
      (void)decrypt_message(config().aes_key, input, config().app_id);
      break;
    }
    default: {  // a whole safe-mode push whose signatures are right
      PushQuery query{"", "1700000000", "42", "aes", ""};
      query.signature = url_signature(config().token, query.timestamp, query.nonce);
      auto outer = parse_wechat_xml(input);
      if (outer) query.msg_signature = message_signature(config().token, query.timestamp, query.nonce, outer->get("Encrypt"));
      auto opened = open_push(config(), query, input, 1700000000, std::chrono::hours(1));
      if (opened) (void)inbound_from_push(opened->xml, 1, config().app_id);
      break;
    }
  }
  return 0;
}
