// The outbound HTTP client's pure parts: URL parsing (what it will connect to) and form encoding
// (what providers such as Twilio receive).
#include <gtest/gtest.h>

#include "cc/net/http_client.hpp"

namespace {

using cc::net::parse_url;

TEST(HttpClientUrl, DefaultsPortsAndTargets) {
  auto https = parse_url("https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential");
  ASSERT_TRUE(https);
  EXPECT_TRUE(https->tls);
  EXPECT_EQ(https->host, "api.weixin.qq.com");
  EXPECT_EQ(https->port, "443");
  EXPECT_EQ(https->target, "/cgi-bin/token?grant_type=client_credential");
  auto plain = parse_url("http://127.0.0.1:8089");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->port, "8089");
  EXPECT_EQ(plain->target, "/");
  auto query_only = parse_url("http://example.com?x=1");
  ASSERT_TRUE(query_only);
  EXPECT_EQ(query_only->target, "/?x=1");
}

TEST(HttpClientUrl, AcceptsBracketedIpv6) {
  auto url = parse_url("http://[::1]:9000/hook");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, "9000");
  EXPECT_EQ(url->target, "/hook");
}

TEST(HttpClientUrl, RefusesWhatItCannotSafelyCall) {
  for (const char* bad : {"ftp://example.com/", "example.com", "http://", "http://:80/",
                          "http://user:pw@example.com/", "http://example.com:99999999/",
                          "http://example.com:8a/", "http://[::1/"}) {
    EXPECT_FALSE(parse_url(bad)) << bad;
  }
}

TEST(HttpClientForm, EncodesInOrderWithRfc3986Escapes) {
  EXPECT_EQ(cc::net::form_encode({{"To", "+8613800138000"}, {"Body", "你好 a&b=c~"}}),
            "To=%2B8613800138000&Body=%E4%BD%A0%E5%A5%BD%20a%26b%3Dc~");
}

}  // namespace
