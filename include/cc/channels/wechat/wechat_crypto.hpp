#pragma once
// WeChat's safe-mode message encryption (the "WXBizMsgCrypt" scheme), with OpenSSL. Pure.
//   key       = base64-decode(EncodingAESKey + "="): 43 characters -> 32 bytes
//   cipher    = AES-256-CBC, IV = the key's first 16 bytes, PKCS#7 padding to 32-byte blocks
//   plaintext = 16 random bytes | 4-byte big-endian XML length | XML | app id
#include <string>
#include <string_view>

#include "cc/domain/error.hpp"

namespace cc::channels::wechat {

inline constexpr std::size_t kEncodingAesKeyLength = 43;

// The 32-byte AES key of a 43-character EncodingAESKey; an error when it is malformed.
Result<std::string> aes_key_from_encoding_key(std::string_view encoding_aes_key);

// Decrypts the base64 Encrypt text and checks that the trailer names `app_id`; the inner XML.
Result<std::string> decrypt_message(std::string_view aes_key, std::string_view encrypted_base64,
                                    std::string_view app_id);

// Encrypts `xml` for `app_id`; `random16` is the 16-byte prefix (random in production, fixed in
// tests). Returns the base64 Encrypt text.
std::string encrypt_message(std::string_view aes_key, std::string_view xml, std::string_view app_id,
                            std::string_view random16);

// The envelope of an encrypted passive reply: Encrypt, MsgSignature, TimeStamp, Nonce.
std::string encrypted_reply_xml(std::string_view token, std::string_view aes_key,
                                std::string_view app_id, std::string_view reply_xml,
                                std::string_view timestamp, std::string_view nonce,
                                std::string_view random16);

}  // namespace cc::channels::wechat
