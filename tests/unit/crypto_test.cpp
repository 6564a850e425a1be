#include <gtest/gtest.h>

#include <regex>

#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"
#include "cc/crypto/password.hpp"
#include "cc/crypto/random.hpp"

namespace cc::crypto {
namespace {

// RFC 4231 test case 2 and RFC 2202 test case 2 (key "Jefe").
TEST(Hmac, Sha256MatchesRfc4231) {
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Hmac, Sha256MatchesRfc4231Case1) {
  const std::string key(20, '\x0b');
  EXPECT_EQ(to_hex(hmac_sha256(key, "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(Hmac, Sha1MatchesRfc2202) {
  EXPECT_EQ(to_hex(hmac_sha1("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(Digest, Sha256OfAbc) {
  EXPECT_EQ(to_hex(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

// RFC 4648 section 10 vectors.
TEST(Base64, MatchesRfc4648) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded), plain);
  }
  EXPECT_FALSE(base64_decode("Zm9v!"));
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64_decode("-_8"), std::string("\xfb\xff"));
}

TEST(Hex, RoundTripsAndRejectsJunk) {
  EXPECT_EQ(to_hex("\x01\xab"), "01ab");
  EXPECT_EQ(from_hex("01AB"), std::string("\x01\xab"));
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("zz"));
}

TEST(Password, VerifiesOnlyTheRightPassword) {
  const PasswordPolicy fast{1, 1024, 1};  // small cost: the format, not the strength, is tested
  const auto hash = hash_password("correct horse battery", fast);
  EXPECT_TRUE(hash.starts_with("$argon2id$"));
  EXPECT_TRUE(verify_password("correct horse battery", hash));
  EXPECT_FALSE(verify_password("correct horse batterx", hash));
  EXPECT_NE(hash, hash_password("correct horse battery", fast)) << "salted";
  EXPECT_FALSE(verify_password("x", "not a hash"));
}

TEST(Random, TokensAndUuidsAreWellFormedAndDistinct) {
  const auto a = new_token("cct_");
  const auto b = new_token("cct_");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 4u + 43u);
  EXPECT_TRUE(std::regex_match(new_uuid(), std::regex(
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
}

}  // namespace
}  // namespace cc::crypto
