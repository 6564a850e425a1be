// Start-up helpers for the routing engine: shipped data, the automated-message adapter and the
// ticket stand-in.
#include "cc/services/routing_setup.hpp"

#include <fstream>
#include <spdlog/spdlog.h>
#include <sstream>

#include "cc/routing/intent_csv.hpp"
#include "cc/routing/opencc_converter.hpp"

#ifndef CC_ROUTING_DATA_DIR
#define CC_ROUTING_DATA_DIR "data"
#endif

namespace cc::services {
namespace {

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

boost::asio::awaitable<Status> send_as(ConversationService* conversations, std::string sender_type,
                                       domain::Id conversation_id, std::string content) {
  auto sent = co_await conversations->send_automated(conversation_id, std::move(sender_type), std::move(content));
  if (!sent) co_return sent.error();
  co_return Ok{};
}

boost::asio::awaitable<Status> close_as_system(ConversationService* conversations, domain::Id conversation_id) {
  const domain::Principal system{0, domain::Role::admin, {}};
  auto closed = co_await conversations->close(system, conversation_id);
  if (!closed) co_return closed.error();
  co_return Ok{};
}

boost::asio::awaitable<void> notify_supervisors(EventDispatcher* events, BotStore* store, domain::Id conversation_id,
                                                std::string rule, std::string reason) {
  auto ids = co_await store->supervisor_ids();
  if (!ids) {
    spdlog::warn("routing: supervisors unavailable for conversation {}: {}", conversation_id, ids.error().detail);
    co_return;
  }
  const nlohmann::json data{{"conversation_id", std::to_string(conversation_id)}, {"rule", rule}, {"reason", reason}};
  std::vector<AgentEvent> notices;
  for (const auto id : *ids) notices.push_back(make_event(id, "conversation.flagged", data));
  co_await events->emit(std::move(notices));
}

}  // namespace

RoutingData load_routing_data(const std::string& data_dir) {
  const std::string dir = data_dir.empty() ? std::string(CC_ROUTING_DATA_DIR) : data_dir;
  RoutingData data;
  std::string error;
  auto converter = routing::open_opencc_converter(routing::kOpenccT2sConfig, &error);
  if (!converter) spdlog::warn("routing: no Traditional Chinese folding: {}", error);
  data.normalizer = std::make_shared<const routing::TextNormalizer>(converter);
  data.train_options.normalizer = data.normalizer;
  if (const auto csv = read_text(dir + "/intents/default.csv")) {
    auto parsed = routing::parse_intent_csv(*csv);
    if (!parsed.errors.empty()) spdlog::warn("routing: {}/intents/default.csv line {}: {}", dir,
                                             parsed.errors.front().line, parsed.errors.front().message);
    data.shipped_examples = std::move(parsed.examples);
  } else {
    spdlog::warn("routing: cannot read {}/intents/default.csv: no shipped intents", dir);
  }
  routing::SentimentLexiconText lexicon;
  const auto positive = read_text(dir + "/sentiment/positive.txt");
  const auto negative = read_text(dir + "/sentiment/negative.txt");
  if (positive && negative) {
    lexicon.positive = *positive;
    lexicon.negative = *negative;
    lexicon.negators = read_text(dir + "/sentiment/negators.txt").value_or("");
    lexicon.intensifiers = read_text(dir + "/sentiment/intensifiers.txt").value_or("");
    lexicon.escalation = read_text(dir + "/sentiment/escalation.txt").value_or("");
    data.sentiment = std::make_shared<const routing::SentimentAnalyzer>(lexicon, data.normalizer);
  } else {
    spdlog::warn("routing: cannot read {}/sentiment: sentiment stays neutral", dir);
  }
  return data;
}

AutomatedSender automated_sender(ConversationService& conversations, std::string sender_type) {
  auto* service = &conversations;
  return [service, sender_type](domain::Id conversation_id, std::string content) {
    return send_as(service, sender_type, conversation_id, std::move(content));
  };
}

ConversationCloser conversation_closer(ConversationService& conversations) {
  auto* service = &conversations;
  return [service](domain::Id conversation_id) { return close_as_system(service, conversation_id); };
}

SupervisorNotifier supervisor_notifier(EventDispatcher& events, BotStore& store) {
  auto* dispatcher = &events;
  auto* bot_store = &store;
  return [dispatcher, bot_store](domain::Id conversation_id, std::string rule, std::string reason) {
    return notify_supervisors(dispatcher, bot_store, conversation_id, std::move(rule), std::move(reason));
  };
}

}  // namespace cc::services
