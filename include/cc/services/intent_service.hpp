#pragma once
// The intent classifier as a service: admin definitions (keyword/RE2 rules) and training
// examples persisted through IntentStore, a model trained in-process and swapped atomically
// (classify() never waits for training), retrained on every instance when one instance trains
// (bus topic kIntentsTopic). The shipped default set seeds an empty examples table.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/routing/intent_model.hpp"
#include "cc/services/ports/event_bus.hpp"

namespace cc::services {

inline constexpr const char* kIntentsTopic = "routing.intents";

struct IntentDefinition {
  std::string name;
  std::string description;
  std::vector<std::string> keywords;
  std::vector<std::string> patterns;
  std::vector<std::string> examples;  // when not empty, replace this intent's examples
};

// Port: the persisted definitions and examples (PostgreSQL in production).
class IntentStore {
 public:
  virtual ~IntentStore() = default;
  virtual boost::asio::awaitable<Result<std::vector<IntentDefinition>>> definitions() = 0;
  virtual boost::asio::awaitable<Status> replace_definitions(std::vector<IntentDefinition> intents) = 0;
  virtual boost::asio::awaitable<Result<std::vector<routing::LabelledExample>>> examples() = 0;
  virtual boost::asio::awaitable<Status> replace_examples(std::vector<routing::LabelledExample> examples) = 0;
  // Inserts `shipped` only while the examples table is empty (safe when instances race).
  virtual boost::asio::awaitable<Status> seed_examples(std::vector<routing::LabelledExample> shipped) = 0;
};

struct TrainedModelInfo {
  std::size_t examples = 0;
  std::size_t intents = 0;
  std::size_t rules = 0;
  long long train_ms = 0;
};

inline constexpr std::size_t kMaxIntentDefinitions = 1000;

class IntentService {
 public:
  // Trains the shipped examples at once so classify() works before start() reads the store.
  IntentService(IntentStore& store, EventBus& bus, std::vector<routing::LabelledExample> shipped,
                routing::TrainOptions options);

  // Seeds the store when empty and trains from it; subscribes to retrain notices.
  boost::asio::awaitable<Result<TrainedModelInfo>> start();
  // start() for app/: logs the outcome (the shipped model keeps serving when the store is down).
  boost::asio::awaitable<void> boot();

  boost::asio::awaitable<Result<std::vector<IntentDefinition>>> definitions();
  // Checks names and rule patterns (422 with the JSON pointer), then stores.
  boost::asio::awaitable<Status> put_definitions(std::vector<IntentDefinition> intents);
  boost::asio::awaitable<Status> put_examples(std::vector<routing::LabelledExample> examples);
  // Trains from the store; the new model serves every classify() after it returns.
  boost::asio::awaitable<Result<TrainedModelInfo>> train();

  // Retrains when another instance announced new training (called by the router's poll loop).
  boost::asio::awaitable<void> reload_if_notified();

  routing::Classification classify(std::string_view text, int top_k) const;
  std::shared_ptr<const routing::IntentModel> model() const;

 private:
  Result<TrainedModelInfo> train_from(const std::vector<routing::LabelledExample>& examples,
                                      const std::vector<IntentDefinition>& definitions);

  IntentStore& store_;
  EventBus& bus_;
  std::vector<routing::LabelledExample> shipped_;
  routing::TrainOptions options_;
  mutable std::mutex mutex_;
  std::shared_ptr<const routing::IntentModel> model_;
  bool subscribed_ = false;
  std::string instance_tag_;  // our own notices carry it and are ignored
  std::atomic<bool> reload_pending_{false};
};

}  // namespace cc::services
