// WeChat signatures and safe-mode crypto, against the platform's published sample
// (WXBizMsgCrypt Sample: token QDG6eK, EncodingAESKey jWmY..., app id wx5823bf96d3bd56c7) and
// against values computed independently with Python's hashlib and the openssl CLI.
#include <gtest/gtest.h>

#include "cc/channels/wechat/wechat_crypto.hpp"
#include "cc/channels/wechat/wechat_push.hpp"
#include "cc/channels/wechat/wechat_signature.hpp"
#include "cc/channels/wechat/wechat_xml.hpp"

namespace cc::channels::wechat {
namespace {

constexpr const char* kToken = "QDG6eK";
constexpr const char* kEncodingKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
constexpr const char* kAppId = "wx5823bf96d3bd56c7";
// The sample push of the published WXBizMsgCrypt samples.
constexpr const char* kSampleSignature = "477715d11cdb4164915debcba66cb864d751f3e6";
constexpr const char* kSampleTimestamp = "1409659813";
constexpr const char* kSampleNonce = "1372623149";
constexpr const char* kSampleEncrypt =
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/"
    "sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+"
    "HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3"
    "LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3"
    "KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";

std::string key() { return *aes_key_from_encoding_key(kEncodingKey); }

TEST(WechatSignature, UrlSignatureMatchesIndependentSha1OfSortedParts) {
  // python3: hashlib.sha1("".join(sorted(["QDG6eK","1409659589","263014780"])).encode())
  EXPECT_EQ(url_signature(kToken, "1409659589", "263014780"), "93d1cec91cee4a4a8baada4c807ed13137622215");
  // The order of the arguments does not matter: they are sorted.
  EXPECT_EQ(sorted_sha1_signature({"263014780", kToken, "1409659589"}),
            url_signature(kToken, "1409659589", "263014780"));
}

TEST(WechatSignature, MessageSignatureMatchesThePublishedSample) {
  EXPECT_EQ(message_signature(kToken, kSampleTimestamp, kSampleNonce, kSampleEncrypt), kSampleSignature);
}

TEST(WechatSignature, ComparisonIsExactButCaseInsensitive) {
  EXPECT_TRUE(signature_matches(kSampleSignature, kSampleSignature));
  EXPECT_TRUE(signature_matches(kSampleSignature, "477715D11CDB4164915DEBCBA66CB864D751F3E6"));
  EXPECT_FALSE(signature_matches(kSampleSignature, "477715d11cdb4164915debcba66cb864d751f3e7"));
  EXPECT_FALSE(signature_matches(kSampleSignature, ""));
  EXPECT_FALSE(signature_matches(kSampleSignature, "477715d11cdb4164915debcba66cb864d751f3e"));
}

TEST(WechatCrypto, KeyIsTheBase64OfTheEncodingKeyPlusPadding) {
  const auto decoded = aes_key_from_encoding_key(kEncodingKey);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->size(), 32u);
  EXPECT_FALSE(aes_key_from_encoding_key("short"));
  EXPECT_FALSE(aes_key_from_encoding_key(std::string(42, 'a') + "!"));
  EXPECT_FALSE(aes_key_from_encoding_key(std::string(44, 'a')));
}

TEST(WechatCrypto, DecryptsThePublishedSamplePush) {
  const auto xml = decrypt_message(key(), kSampleEncrypt, kAppId);
  ASSERT_TRUE(xml) << xml.error().detail;
  const auto parsed = parse_wechat_xml(*xml);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->get("Content"), "hello");
  EXPECT_EQ(parsed->get("MsgId"), "4561255354251345929");
  EXPECT_EQ(parsed->get("FromUserName"), "mycreate");
}

TEST(WechatCrypto, RefusesAnotherAppIdAndTamperedCiphertext) {
  const auto other = decrypt_message(key(), kSampleEncrypt, "wx0000000000000000");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::unauthorized);
  std::string tampered = kSampleEncrypt;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(decrypt_message(key(), tampered, kAppId));
  EXPECT_FALSE(decrypt_message(key(), "not base64 !!", kAppId));
  EXPECT_FALSE(decrypt_message(key(), "", kAppId));
  EXPECT_FALSE(decrypt_message(key(), "AAAA", kAppId));  // 3 bytes: not whole blocks
}

TEST(WechatCrypto, EncryptMatchesOpensslCliWithTheSameRandomPrefix) {
  // python3 + `openssl enc -aes-256-cbc -nopad` over "0123456789abcdef" | len | xml | app id | pad.
  const std::string xml = "<xml><Content><![CDATA[hi]]></Content></xml>";
  EXPECT_EQ(encrypt_message(key(), xml, kAppId, "0123456789abcdef"),
            "sKqRbbiSUnDhFHOvPjtUMRdD09ihkz7iEzK8OOcLy5oN34p+XYsnWC5r6/C/xN/1Nneyc1kNCffgVI9nkNCzqvjcCl/"
            "lwtVhCZqTB9V302CiGir1b5g7Q2XxnIizmIZ/");
}

TEST(WechatCrypto, RoundTripsEveryLengthAcrossBlockBoundaries) {
  for (std::size_t length = 0; length < 80; ++length) {
    const std::string xml(length, static_cast<char>('a' + length % 26));
    const auto encrypted = encrypt_message(key(), xml, kAppId, "RANDOMRANDOMRAND");
    const auto decrypted = decrypt_message(key(), encrypted, kAppId);
    ASSERT_TRUE(decrypted) << length;
    EXPECT_EQ(*decrypted, xml);
  }
}

TEST(WechatCrypto, EncryptedPassiveReplyVerifiesAndDecrypts) {
  const std::string reply = "<xml><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content></xml>";
  const auto envelope = encrypted_reply_xml(kToken, key(), kAppId, reply, "1409659813", "1372623149", "abcdefghijklmnop");
  const auto parsed = parse_wechat_xml(envelope);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->get("TimeStamp"), "1409659813");
  EXPECT_EQ(parsed->get("Nonce"), "1372623149");
  EXPECT_EQ(parsed->get("MsgSignature"),
            message_signature(kToken, "1409659813", "1372623149", parsed->get("Encrypt")));
  const auto inner = decrypt_message(key(), parsed->get("Encrypt"), kAppId);
  ASSERT_TRUE(inner);
  EXPECT_EQ(*inner, reply);
}

WechatConfig sample_config() {
  WechatConfig config;
  config.app_id = kAppId;
  config.app_secret = "secret";
  config.token = kToken;
  config.encoding_aes_key = kEncodingKey;
  config.aes_key = key();
  return config;
}

PushQuery signed_query(const std::string& timestamp, const std::string& nonce) {
  PushQuery query;
  query.timestamp = timestamp;
  query.nonce = nonce;
  query.signature = url_signature(kToken, timestamp, nonce);
  return query;
}

TEST(WechatPush, OpensThePublishedSafeModeSample) {
  auto query = signed_query(kSampleTimestamp, kSampleNonce);
  query.encrypt_type = "aes";
  query.msg_signature = kSampleSignature;
  const std::string body = std::string("<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[") +
                           kSampleEncrypt + "]]></Encrypt></xml>";
  const auto opened = open_push(sample_config(), query, body, 1409659813, std::chrono::hours(1));
  ASSERT_TRUE(opened) << opened.error().detail;
  EXPECT_EQ(opened->mode, PushMode::safe);
  EXPECT_EQ(opened->xml.get("Content"), "hello");

  auto bad = query;
  bad.msg_signature[0] = bad.msg_signature[0] == '4' ? '5' : '4';
  const auto refused = open_push(sample_config(), bad, body, 1409659813, std::chrono::hours(1));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::unauthorized);
  // A stale timestamp is refused even with good signatures.
  EXPECT_FALSE(open_push(sample_config(), query, body, 1409659813 + 7200, std::chrono::hours(1)));
}

TEST(WechatPush, CompatibleModeUsesTheEncryptedPart) {
  auto query = signed_query(kSampleTimestamp, kSampleNonce);
  query.encrypt_type = "aes";
  query.msg_signature = kSampleSignature;
  const std::string body = std::string("<xml><ToUserName>x</ToUserName><FromUserName>forged</FromUserName>"
                                       "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>forged</Content>"
                                       "<Encrypt><![CDATA[") + kSampleEncrypt + "]]></Encrypt></xml>";
  const auto opened = open_push(sample_config(), query, body, 1409659813, std::chrono::hours(1));
  ASSERT_TRUE(opened) << opened.error().detail;
  EXPECT_EQ(opened->mode, PushMode::compatible);
  EXPECT_EQ(opened->xml.get("Content"), "hello");
}

TEST(WechatPush, PlaintextNeedsTheUrlSignature) {
  const std::string body = "<xml><MsgType>text</MsgType><Content>hi</Content></xml>";
  auto query = signed_query("1700000000", "42");
  const auto opened = open_push(sample_config(), query, body, 1700000000, std::chrono::hours(1));
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->mode, PushMode::plaintext);
  query.signature = std::string(40, '0');
  EXPECT_EQ(open_push(sample_config(), query, body, 1700000000, std::chrono::hours(1)).error().code,
            ErrorCode::unauthorized);
  EXPECT_FALSE(verify_url(sample_config(), PushQuery{}));
}

}  // namespace
}  // namespace cc::channels::wechat
