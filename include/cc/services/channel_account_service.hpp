#pragma once
// Admin management of channel accounts, with validation of the per-channel config shape.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "cc/services/ports/audit_log.hpp"
#include "cc/services/ports/channel_account_repository.hpp"

namespace cc::services {

// Checks one channel's config object (required fields, formats); nullopt when acceptable.
using ChannelConfigValidator = std::function<std::optional<Error>(const nlohmann::json& config)>;

class ChannelAccountService {
 public:
  ChannelAccountService(ChannelAccountRepository& accounts, AuditLog& audit);
  // Each channel adapter registers the rules for its config shape at wiring time.
  void add_config_validator(domain::Channel channel, ChannelConfigValidator validator) {
    validators_[channel] = std::move(validator);
  }

  boost::asio::awaitable<Result<domain::ChannelAccount>> create(domain::Channel channel,
                                                                std::string name,
                                                                nlohmann::json config,
                                                                std::optional<domain::Id> actor);
  boost::asio::awaitable<Result<domain::ChannelAccount>> get(domain::Id id);
  boost::asio::awaitable<Result<domain::Page<domain::ChannelAccount>>> list(
      std::optional<domain::Id> after, int limit);
  // A config patch is merged into the stored config (RFC 7386 merge patch), so secrets need not
  // be sent again to change another field.
  boost::asio::awaitable<Result<domain::ChannelAccount>> update(
      domain::Id id, std::optional<std::string> name, std::optional<nlohmann::json> config_patch,
      std::optional<bool> active, std::optional<domain::Id> actor);

 private:
  std::optional<Error> validate(domain::Channel channel, const nlohmann::json& config) const;

  ChannelAccountRepository& accounts_;
  AuditLog& audit_;
  std::map<domain::Channel, ChannelConfigValidator> validators_;
};

// Checks the config object for a channel; nullopt when it is acceptable.
std::optional<Error> validate_channel_config(domain::Channel channel, const nlohmann::json& config);

}  // namespace cc::services
