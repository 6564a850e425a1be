#include "cc/services/channel_account_service.hpp"

#include "cc/services/failover_rule.hpp"
#include "cc/services/input_rules.hpp"

namespace cc::services {

std::optional<Error> validate_channel_config(domain::Channel channel, const nlohmann::json& config) {
  if (!config.is_object()) return Error::invalid("config must be an object", "/config");
  if (config.dump().size() > 64 * 1024) return Error::invalid("config is too large", "/config");
  if (auto failover = failover_rule_from(config); !failover) return failover.error();
  if (channel == domain::Channel::webchat && config.contains("identity_secret")) {
    const auto& secret = config["identity_secret"];
    if (!secret.is_string() || secret.get_ref<const std::string&>().size() < 16) {
      return Error::invalid("identity_secret must be a string of at least 16 characters",
                            "/config/identity_secret");
    }
  }
  return std::nullopt;
}

ChannelAccountService::ChannelAccountService(ChannelAccountRepository& accounts, AuditLog& audit)
    : accounts_(accounts), audit_(audit) {}

std::optional<Error> ChannelAccountService::validate(domain::Channel channel,
                                                     const nlohmann::json& config) const {
  if (auto error = validate_channel_config(channel, config)) return error;
  if (auto rules = validators_.find(channel); rules != validators_.end()) return rules->second(config);
  return std::nullopt;
}

boost::asio::awaitable<Result<domain::ChannelAccount>> ChannelAccountService::create(
    domain::Channel channel, std::string name, nlohmann::json config,
    std::optional<domain::Id> actor) {
  if (auto error = check_display_name(name)) co_return *error;
  if (auto error = validate(channel, config)) co_return *error;
  auto created = co_await accounts_.create(channel, std::move(name), config.dump());
  if (created) {
    auto entry = audit_entry(actor, "channel_account.created", "channel_account",
                             std::to_string(created->id), {{"channel", domain::to_string(channel)}});
    co_await audit_.record(std::move(entry));
  }
  co_return created;
}

boost::asio::awaitable<Result<domain::ChannelAccount>> ChannelAccountService::get(domain::Id id) {
  co_return co_await accounts_.get(id);
}

boost::asio::awaitable<Result<domain::Page<domain::ChannelAccount>>> ChannelAccountService::list(
    std::optional<domain::Id> after, int limit) {
  co_return co_await accounts_.list(after, limit);
}

boost::asio::awaitable<Result<domain::ChannelAccount>> ChannelAccountService::update(
    domain::Id id, std::optional<std::string> name, std::optional<nlohmann::json> config_patch,
    std::optional<bool> active, std::optional<domain::Id> actor) {
  if (name) {
    if (auto error = check_display_name(*name)) co_return *error;
  }
  ChannelAccountPatch patch{std::move(name), std::nullopt, active};
  if (config_patch) {
    auto current = co_await accounts_.get(id);
    if (!current) co_return current.error();
    auto config = nlohmann::json::parse(current->config_json, nullptr, false);
    if (config.is_discarded()) config = nlohmann::json::object();
    config.merge_patch(*config_patch);
    if (auto error = validate(current->channel, config)) co_return *error;
    patch.config_json = config.dump();
  }
  const bool config_changed = patch.config_json.has_value();
  auto updated = co_await accounts_.update(id, std::move(patch));
  if (updated) {
    // Which parts changed, never the values: config holds secrets.
    auto entry = audit_entry(actor, "channel_account.updated", "channel_account", std::to_string(id),
                             {{"config_changed", config_changed}});
    co_await audit_.record(std::move(entry));
  }
  co_return updated;
}

}  // namespace cc::services
