// seed-demo: the data that makes a fresh install usable at once. Idempotent: existing agents
// (by email) and the demo channel (by name) are kept as they are.
#include <iostream>
#include <spdlog/spdlog.h>

#include "cc/app/server.hpp"
#include "cc/app/wiring.hpp"
#include "cc/async/spawn.hpp"

namespace cc::app {
namespace {

constexpr const char* kDemoChannelName = "Demo web chat";
constexpr const char* kDemoAgentPassword = "agent-demo-pass";

boost::asio::awaitable<bool> ensure_agent(services::AgentService& agents, services::AgentDraft draft) {
  const auto email = draft.email;
  auto created = co_await agents.create(std::move(draft), std::nullopt);
  if (created) {
    spdlog::info("created {} {}", domain::to_string(created->role), email);
    co_return true;
  }
  if (created.error().code == ErrorCode::conflict) co_return true;  // already there
  spdlog::error("cannot create {}: {}", email, created.error().detail);
  co_return false;
}

boost::asio::awaitable<std::optional<domain::Id>> ensure_webchat(services::ChannelAccountService& accounts) {
  std::optional<domain::Id> after;
  for (;;) {
    auto page = co_await accounts.list(after, 200);
    if (!page) co_return std::nullopt;
    for (const auto& account : page->items) {
      if (account.channel == domain::Channel::webchat && account.name == kDemoChannelName) {
        co_return account.id;
      }
    }
    if (!page->next_cursor || page->items.empty()) break;
    after = page->items.back().id;
  }
  nlohmann::json config = nlohmann::json::object();
  config["identity_secret"] = "demo-identity-secret-change-me";
  config["welcome_message"] = "Hi! How can we help?";
  auto created = co_await accounts.create(domain::Channel::webchat, kDemoChannelName,
                                          std::move(config), std::nullopt);
  if (!created) co_return std::nullopt;
  co_return created->id;
}

boost::asio::awaitable<int> seed(Wiring& wiring, std::string admin_email, std::string admin_password) {
  std::vector<services::AgentDraft> drafts(3);
  drafts[0] = services::AgentDraft{admin_email, admin_password, "Admin", domain::Role::admin};
  drafts[1] = services::AgentDraft{"agent1@example.com", kDemoAgentPassword, "Alice Agent", domain::Role::agent};
  drafts[2] = services::AgentDraft{"agent2@example.com", kDemoAgentPassword, "Bob Agent", domain::Role::agent};
  bool ok = true;
  for (auto& draft : drafts) {
    if (!co_await ensure_agent(wiring.agents, std::move(draft))) ok = false;
  }
  const auto channel = co_await ensure_webchat(wiring.channel_accounts);
  if (!ok || !channel) co_return 1;
  std::cout << "webchat_channel_account_id=" << *channel << std::endl;
  co_return 0;
}

}  // namespace

int seed_demo(const Config& config, const EnvLookup& env) {
  if (config.server.migrate_on_start && migrate_only(config) != 0) return 1;
  const auto email = env("CC_ADMIN_EMAIL").value_or("admin@example.com");
  const auto password = env("CC_ADMIN_PASSWORD").value_or("admin-change-me");
  boost::asio::io_context io;
  Wiring wiring(config, io);
  int exit_code = 1;
  boost::asio::co_spawn(io, seed(wiring, email, password), [&exit_code](std::exception_ptr error, int code) {
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        spdlog::error("seeding failed: {}", e.what());
      }
      return;
    }
    exit_code = code;
  });
  io.run();
  wiring.pool.stop();
  return exit_code;
}

}  // namespace cc::app
