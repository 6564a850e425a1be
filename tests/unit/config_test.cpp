#include <gtest/gtest.h>

#include <map>

#include "cc/app/config.hpp"

namespace cc::app {
namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

const std::map<std::string, std::string> kRequired{
    {"CC_DATABASE_URL", "postgresql://u@127.0.0.1/db"},
    {"CC_SECRET_KEY", "0123456789abcdef0123456789abcdef"}};

TEST(Config, DefaultsPlusRequiredEnvironment) {
  auto config = load_config(std::nullopt, env_of(kRequired));
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_EQ(config->http.port, 8080);
  EXPECT_EQ(config->http.host, "127.0.0.1");
  EXPECT_EQ(config->database.pool_size, 4);
  EXPECT_EQ(config->redis.port, 6379);
}

TEST(Config, FileValuesAreRead) {
  auto config = load_config_text(
      "[http]\nport = 9000\nmax_body_bytes = 2048\n[redis]\nhost = \"10.0.0.5\"\n"
      "[server]\nmigrate_on_start = false\n",
      env_of(kRequired));
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_EQ(config->http.port, 9000);
  EXPECT_EQ(config->http.max_body_bytes, 2048);
  EXPECT_EQ(config->redis.host, "10.0.0.5");
  EXPECT_FALSE(config->server.migrate_on_start);
}

TEST(Config, EnvironmentOverridesFile) {
  auto env = kRequired;
  env["CC_HTTP_PORT"] = "0";
  auto config = load_config_text("[http]\nport = 9000\n", env_of(env));
  ASSERT_TRUE(config);
  EXPECT_EQ(config->http.port, 0);
}

TEST(Config, BadValuesNameTheField) {
  auto env = kRequired;
  env["CC_HTTP_PORT"] = "eighty";
  auto config = load_config(std::nullopt, env_of(env));
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().detail.find("http.port"), std::string::npos);
  EXPECT_NE(config.error().detail.find("CC_HTTP_PORT"), std::string::npos);

  env["CC_HTTP_PORT"] = "70000";
  config = load_config(std::nullopt, env_of(env));
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().field, "http.port");
}

TEST(Config, WrongTypeInFileIsRefused) {
  auto config = load_config_text("[http]\nport = \"80\"\n", env_of(kRequired));
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().detail.find("http.port"), std::string::npos);
}

TEST(Config, UnknownFieldIsRefused) {
  auto config = load_config_text("[http]\nprot = 80\n", env_of(kRequired));
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().detail.find("http.prot"), std::string::npos);
}

TEST(Config, RequiredSettingsAreChecked) {
  auto config = load_config(std::nullopt, env_of({}));
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().field, "database.url");
  config = load_config(std::nullopt, env_of({{"CC_DATABASE_URL", "postgresql://x"},
                                            {"CC_SECRET_KEY", "short"}}));
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().field, "security.secret_key");
}

TEST(Config, BrokenTomlIsReported) {
  auto config = load_config_text("[http\nport = 1", env_of(kRequired));
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().detail.find("TOML"), std::string::npos);
}

}  // namespace
}  // namespace cc::app
