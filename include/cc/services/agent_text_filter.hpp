#pragma once
// Sensitive-word masking of customers' text in every agent view that json_views renders
// (messages, conversation previews): set by AgentMaskingScope (bot_service.hpp) at wiring,
// none by default. Thread-safe.
#include <functional>
#include <string>
#include <string_view>

namespace cc::services {

using AgentTextFilter = std::function<std::string(std::string_view)>;
void set_agent_text_filter(AgentTextFilter filter);

}  // namespace cc::services
