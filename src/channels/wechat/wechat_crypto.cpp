#include "cc/channels/wechat/wechat_crypto.hpp"

#include <openssl/evp.h>

#include <memory>

#include "cc/channels/wechat/wechat_signature.hpp"
#include "cc/crypto/encoding.hpp"

namespace cc::channels::wechat {
namespace {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kIvBytes = 16;
constexpr std::size_t kRandomBytes = 16;
constexpr std::size_t kLengthBytes = 4;
// WeChat pads to multiples of 32 bytes (not AES's 16), so OpenSSL's own padding is switched off.
constexpr std::size_t kPadBlock = 32;
// Far above any push the platform sends; refuses absurd inputs before any allocation.
constexpr std::size_t kMaxCiphertextBytes = 1024 * 1024;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// One AES-256-CBC pass without OpenSSL padding; nullopt if OpenSSL refuses.
std::optional<std::string> aes_cbc(std::string_view key, std::string_view input, bool encrypt) {
  CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!context) return std::nullopt;
  const auto* key_bytes = reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_CipherInit_ex(context.get(), EVP_aes_256_cbc(), nullptr, key_bytes, key_bytes,
                        encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_set_padding(context.get(), 0) != 1) {
    return std::nullopt;
  }
  std::string output(input.size() + kPadBlock, '\0');
  int written = 0;
  int final_written = 0;
  auto* out = reinterpret_cast<unsigned char*>(output.data());
  if (EVP_CipherUpdate(context.get(), out, &written,
                       reinterpret_cast<const unsigned char*>(input.data()),
                       static_cast<int>(input.size())) != 1 ||
      EVP_CipherFinal_ex(context.get(), out + written, &final_written) != 1) {
    return std::nullopt;
  }
  output.resize(static_cast<std::size_t>(written + final_written));
  return output;
}

Error refused(std::string detail) { return Error{ErrorCode::unauthorized, std::move(detail), {}}; }

}  // namespace

Result<std::string> aes_key_from_encoding_key(std::string_view encoding_aes_key) {
  if (encoding_aes_key.size() != kEncodingAesKeyLength) {
    return Error::invalid("encoding_aes_key must be 43 characters", "/config/encoding_aes_key");
  }
  for (const char c : encoding_aes_key) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) {
      return Error::invalid("encoding_aes_key must be letters and digits",
                            "/config/encoding_aes_key");
    }
  }
  auto key = crypto::base64_decode(std::string(encoding_aes_key) + "=");
  if (!key || key->size() != kKeyBytes) {
    return Error::invalid("encoding_aes_key is not a valid key", "/config/encoding_aes_key");
  }
  return std::move(*key);
}

Result<std::string> decrypt_message(std::string_view aes_key, std::string_view encrypted_base64,
                                    std::string_view app_id) {
  if (aes_key.size() != kKeyBytes) return Error::invalid("the AES key must be 32 bytes");
  if (encrypted_base64.size() > kMaxCiphertextBytes * 4 / 3 + 4) {
    return refused("Encrypt is too large");
  }
  const auto ciphertext = crypto::base64_decode(encrypted_base64);
  if (!ciphertext || ciphertext->empty() || ciphertext->size() % kIvBytes != 0) {
    return refused("Encrypt is not valid base64 AES blocks");
  }
  auto plain = aes_cbc(aes_key, *ciphertext, false);
  if (!plain || plain->empty()) return refused("Encrypt cannot be decrypted");
  const auto pad = static_cast<unsigned char>(plain->back());
  if (pad < 1 || pad > kPadBlock || pad > plain->size()) return refused("Encrypt has bad padding");
  for (std::size_t i = plain->size() - pad; i < plain->size(); ++i) {
    if (static_cast<unsigned char>((*plain)[i]) != pad) return refused("Encrypt has bad padding");
  }
  plain->resize(plain->size() - pad);
  if (plain->size() < kRandomBytes + kLengthBytes) return refused("Encrypt is too short");
  std::size_t length = 0;
  for (std::size_t i = 0; i < kLengthBytes; ++i) {
    length = (length << 8) | static_cast<unsigned char>((*plain)[kRandomBytes + i]);
  }
  const auto body_start = kRandomBytes + kLengthBytes;
  if (length > plain->size() - body_start) return refused("Encrypt has a bad length field");
  const std::string_view trailer = std::string_view(*plain).substr(body_start + length);
  if (trailer != app_id) return refused("Encrypt is for another app id");
  return plain->substr(body_start, length);
}

std::string encrypt_message(std::string_view aes_key, std::string_view xml, std::string_view app_id,
                            std::string_view random16) {
  std::string plain;
  plain.reserve(kRandomBytes + kLengthBytes + xml.size() + app_id.size() + kPadBlock);
  plain.append(random16.substr(0, kRandomBytes));
  plain.resize(kRandomBytes, '\0');
  const auto length = static_cast<std::uint32_t>(xml.size());
  for (int shift = 24; shift >= 0; shift -= 8) plain.push_back(static_cast<char>((length >> shift) & 0xff));
  plain.append(xml);
  plain.append(app_id);
  const auto pad = kPadBlock - plain.size() % kPadBlock;  // 1..32: a full block when aligned
  plain.append(pad, static_cast<char>(pad));
  const auto encrypted = aes_cbc(aes_key, plain, true);
  return encrypted ? crypto::base64_encode(*encrypted) : std::string();
}

std::string encrypted_reply_xml(std::string_view token, std::string_view aes_key,
                                std::string_view app_id, std::string_view reply_xml,
                                std::string_view timestamp, std::string_view nonce,
                                std::string_view random16) {
  const auto encrypt = encrypt_message(aes_key, reply_xml, app_id, random16);
  const auto signature = message_signature(token, timestamp, nonce, encrypt);
  // base64, hex and the caller's digits-only timestamp/nonce never contain "]]>".
  std::string xml = "<xml><Encrypt><![CDATA[" + encrypt + "]]></Encrypt><MsgSignature><![CDATA[" +
                    signature + "]]></MsgSignature><TimeStamp>" + std::string(timestamp) +
                    "</TimeStamp><Nonce><![CDATA[" + std::string(nonce) + "]]></Nonce></xml>";
  return xml;
}

}  // namespace cc::channels::wechat
