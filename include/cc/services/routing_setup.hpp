#pragma once
// What app/ needs to build the routing engine: the shipped data (data/intents/default.csv,
// data/sentiment/*.txt) read once at start-up, the adapter from ConversationService to the
// engine's AutomatedSender, and a stand-in TicketCreator until the ticket module is wired in its
// place (it refuses politely).
#include <memory>
#include <string>
#include <vector>

#include "cc/routing/intent_model.hpp"
#include "cc/routing/sentiment.hpp"
#include "cc/services/bot_service.hpp"
#include "cc/services/conversation_service.hpp"
#include "cc/services/event_dispatcher.hpp"
#include "cc/services/ports/ticket_creator.hpp"
#include "cc/services/routing_engine.hpp"

namespace cc::services {

struct RoutingData {
  std::shared_ptr<const routing::TextNormalizer> normalizer;  // with OpenCC when available
  std::vector<routing::LabelledExample> shipped_examples;
  std::shared_ptr<const routing::SentimentAnalyzer> sentiment;
  routing::TrainOptions train_options;
};

// data_dir empty: the repository's data/ (compile-time default). Missing files leave the
// examples empty / sentiment null and log a warning: the server still routes (to the default).
RoutingData load_routing_data(const std::string& data_dir);

// sender_type "system" (auto-replies, notices) or "bot" (the FAQ bot's turns).
AutomatedSender automated_sender(ConversationService& conversations, std::string sender_type = "system");

// Closes the conversation as the system (outside-hours "close").
ConversationCloser conversation_closer(ConversationService& conversations);

// An agent WebSocket event `conversation.flagged` {conversation_id, rule, reason} to every
// active supervisor and admin.
SupervisorNotifier supervisor_notifier(EventDispatcher& events, BotStore& store);

}  // namespace cc::services
