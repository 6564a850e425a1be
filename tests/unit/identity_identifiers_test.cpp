// Identifier normalisers on real-world formats, with the libphonenumber / ICU / HMAC hooks
// installed as the server installs them, and the built-in table fallback.
#include <gtest/gtest.h>

#include "cc/domain/identifiers.hpp"
#include "cc/services/identity_text.hpp"

namespace cc::domain {
namespace {

IdentifierCatalog configured(std::string extra = {}) {
  IdentifierCatalog catalog;
  services::IdentityTextOptions options;
  options.secret_key = "test-secret";
  options.extra_types = std::move(extra);
  EXPECT_EQ(services::configure_identifier_catalog(catalog, options), "");
  return catalog;
}

TEST(IdentityPhone, ChineseMobileInEveryCommonSpellingIsOneE164) {
  const auto catalog = configured();
  for (const char* raw : {"+86 138 1234 5678", "0086 13812345678", "138-1234-5678", "13812345678",
                          "+86-138-1234-5678", "\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x98 1234 5678",
                          "(+86) 138 1234 5678"}) {
    EXPECT_EQ(catalog.normalize("phone", raw), "+8613812345678") << raw;
  }
}

TEST(IdentityPhone, LandlineAndForeignNumbers) {
  const auto catalog = configured();
  EXPECT_EQ(catalog.normalize("phone", "010 6552 9988"), "+861065529988");
  EXPECT_EQ(catalog.normalize("phone", "+1 650-253-0000"), "+16502530000");
  EXPECT_EQ(catalog.normalize("phone", "+852 2345 6789"), "+85223456789");
}

TEST(IdentityPhone, RefusesWhatIsNotANumber) {
  const auto catalog = configured();
  EXPECT_FALSE(catalog.normalize("phone", "12"));
  EXPECT_FALSE(catalog.normalize("phone", "138 abc"));
  EXPECT_FALSE(catalog.normalize("phone", "1381234567"));  // ten digits: not a CN mobile
}

TEST(IdentityPhone, DefaultRegionIsConfigurable) {
  auto catalog = configured();
  catalog.set_default_region("US");
  EXPECT_EQ(catalog.normalize("phone", "(650) 253-0000"), "+16502530000");
}

TEST(IdentityPhoneTable, FallbackHandlesTheSameFormats) {
  IdentifierCatalog catalog;  // no hooks: the table
  EXPECT_EQ(catalog.normalize("phone", "+86 138 1234 5678"), "+8613812345678");
  EXPECT_EQ(catalog.normalize("phone", "0086 138-1234-5678"), "+8613812345678");
  EXPECT_EQ(catalog.normalize("phone", "\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x98\xEF\xBC\x91\xEF\xBC\x92"
                                       "\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x95\xEF\xBC\x96\xEF\xBC\x97"
                                       "\xEF\xBC\x98"),
            "+8613812345678");
  EXPECT_EQ(catalog.normalize("phone", "010-6552-9988"), "+861065529988");
  EXPECT_EQ(table_phone_e164("+44 20 7946 0958", "CN"), "+442079460958");
  EXPECT_FALSE(catalog.normalize("phone", "1381234567"));
  EXPECT_FALSE(catalog.normalize("phone", "+86 0138"));
}

TEST(IdentityEmail, TrimsFoldsCaseAndPunycodesTheDomain) {
  const auto catalog = configured();
  EXPECT_EQ(catalog.normalize("email", "  Alice.Li@Example.COM "), "alice.li@example.com");
  EXPECT_EQ(catalog.normalize("email", "user@B\xC3\x9C" "CHER.example"), "user@xn--bcher-kva.example");
  EXPECT_EQ(catalog.normalize("email", "li@\xE4\xBE\x8B\xE5\xAD\x90.\xE4\xB8\xAD\xE5\x9B\xBD"),
            "li@xn--fsqu00a.xn--fiqs8s");
  EXPECT_EQ(catalog.normalize("guest_email", "Guest@Shop.CN"), "guest@shop.cn");
  EXPECT_FALSE(catalog.normalize("email", "two@@example.com"));
  EXPECT_FALSE(catalog.normalize("email", "no-at-sign"));
}

TEST(IdentityEmail, UnicodeDomainWithoutIcuIsRefusedNotGuessed) {
  IdentifierCatalog catalog;
  EXPECT_FALSE(catalog.normalize("email", "user@b\xC3\xBC" "cher.example"));
  EXPECT_EQ(catalog.normalize("email", "USER@EXAMPLE.COM"), "user@example.com");
}

TEST(IdentityTypes, EachTypeHasItsOwnRule) {
  const auto catalog = configured();
  EXPECT_EQ(catalog.normalize("wechat_openid", "wx123:oABC-def_1"), "wx123:oABC-def_1");
  EXPECT_FALSE(catalog.normalize("wechat_openid", "oABCdef"));  // not scoped to an account
  EXPECT_EQ(catalog.normalize("qq", " 1234 5678 "), "12345678");
  EXPECT_FALSE(catalog.normalize("qq", "12a45678"));
  EXPECT_EQ(catalog.normalize("sip_uri", "SIP:1001@PBX.Example.com;transport=udp"), "sip:1001@pbx.example.com");
  EXPECT_FALSE(catalog.normalize("sip_uri", "tel:+8613812345678"));
  EXPECT_EQ(catalog.normalize("whatsapp_id", "+86 138 1234 5678"), "+8613812345678");
  EXPECT_EQ(catalog.normalize("alipay_user_id", "2088102146225135"), "2088102146225135");
  EXPECT_EQ(catalog.find("wechat_openid")->strength, Strength::verified);
  EXPECT_EQ(catalog.find("phone")->strength, Strength::claimed);
}

TEST(IdentityTypes, NationalIdIsStoredOnlyAsAKeyedHash) {
  const auto catalog = configured();
  const auto hashed = catalog.normalize("national_id", "11010519491231002x");
  ASSERT_TRUE(hashed);
  EXPECT_EQ(hashed->size(), 64u);
  EXPECT_EQ(hashed->find("110105"), std::string::npos);
  EXPECT_EQ(catalog.normalize("national_id", "110105 19491231 002X"), hashed);  // same person
  IdentifierCatalog other_secret;
  services::IdentityTextOptions options;
  options.secret_key = "another-secret";
  ASSERT_EQ(services::configure_identifier_catalog(other_secret, options), "");
  EXPECT_NE(other_secret.normalize("national_id", "11010519491231002X"), hashed);
  IdentifierCatalog no_hooks;
  EXPECT_FALSE(no_hooks.normalize("national_id", "11010519491231002X"));  // never in the clear
}

TEST(IdentityTypes, NewTypesComeFromConfiguration) {
  const auto catalog = configured("line_id:opaque_lower:verified, loyalty_card:digits:claimed");
  ASSERT_NE(catalog.find("line_id"), nullptr);
  EXPECT_EQ(catalog.find("line_id")->strength, Strength::verified);
  EXPECT_EQ(catalog.normalize("line_id", "U4AF-Line"), "u4af-line");
  EXPECT_EQ(catalog.normalize("loyalty_card", "6222 0000 1111"), "622200001111");
  IdentifierCatalog catalog2;
  services::IdentityTextOptions options;
  options.extra_types = "bad entry";
  EXPECT_NE(services::configure_identifier_catalog(catalog2, options), "");
}

TEST(IdentityMask, AgentsSeeTheMiddleHidden) {
  EXPECT_EQ(mask_identifier("phone", "+8613812345678"), "138****5678");
  EXPECT_EQ(mask_identifier("email", "alice@example.com"), "a***@example.com");
  EXPECT_EQ(mask_identifier("national_id", "abcdef0123"), "********");
  EXPECT_EQ(mask_identifier("member_id", "M12345678"), "M1****78");
}

}  // namespace
}  // namespace cc::domain
