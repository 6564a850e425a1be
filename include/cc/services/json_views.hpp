#pragma once
// The JSON shapes of domain records, shared by REST responses and WebSocket events so that a
// conversation looks the same wherever an agent sees it. snake_case, ids as strings.
#include <nlohmann/json.hpp>
#include <optional>

#include "cc/domain/types.hpp"
#include "cc/services/circuit_board.hpp"
#include "cc/services/ports/outbox_repository.hpp"

namespace cc::services {

std::string id_text(domain::Id id);
nlohmann::json optional_id(const std::optional<domain::Id>& id);

nlohmann::json to_json(const domain::Message& message);
nlohmann::json to_json(const domain::Conversation& conversation);
nlohmann::json to_json(const domain::Agent& agent);
// Secrets in the config (keys naming a secret, token, password or key) are shown masked.
nlohmann::json to_json(const domain::ChannelAccount& account);
nlohmann::json mask_secrets(const nlohmann::json& config);
nlohmann::json to_json(const OutboxEntry& entry);
nlohmann::json to_json(const CircuitStatus& status);

}  // namespace cc::services
