// IntentService: persisted intent definitions/examples and the swapped-in trained model.
#include <chrono>
#include <cstdint>
#include <spdlog/spdlog.h>

#include "cc/routing/intent_rules.hpp"
#include "cc/services/intent_service.hpp"

namespace cc::services {
namespace {

std::vector<routing::IntentRule> rules_of(const std::vector<IntentDefinition>& definitions) {
  std::vector<routing::IntentRule> rules;
  for (const auto& d : definitions) {
    if (d.keywords.empty() && d.patterns.empty()) continue;
    rules.push_back({d.name, d.keywords, d.patterns});
  }
  return rules;
}

bool valid_intent_name(const std::string& name) {
  if (name.empty() || name.size() > routing::kMaxIntentNameBytes) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return name != routing::kOutOfScopeIntent;
}

}  // namespace

IntentService::IntentService(IntentStore& store, EventBus& bus,
                             std::vector<routing::LabelledExample> shipped,
                             routing::TrainOptions options)
    : store_(store), bus_(bus), shipped_(std::move(shipped)), options_(std::move(options)) {
  auto trained = routing::train_intent_model(shipped_, {}, options_);
  instance_tag_ = std::to_string(reinterpret_cast<std::uintptr_t>(this)) + "-" +
                  std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  if (trained.model) model_ = std::make_shared<const routing::IntentModel>(std::move(*trained.model));
}

Result<TrainedModelInfo> IntentService::train_from(const std::vector<routing::LabelledExample>& examples,
                                                   const std::vector<IntentDefinition>& definitions) {
  const auto started = std::chrono::steady_clock::now();
  const auto rules = rules_of(definitions);
  auto trained = routing::train_intent_model(examples, rules, options_);
  if (!trained.model) {
    const auto& first = trained.errors.front();
    return Error::invalid(first.message, "/" + first.where);
  }
  TrainedModelInfo info;
  info.examples = trained.model->example_count();
  info.intents = trained.model->intents().size();
  info.rules = rules.size();
  info.train_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started).count();
  auto model = std::make_shared<const routing::IntentModel>(std::move(*trained.model));
  std::lock_guard lock(mutex_);
  model_ = std::move(model);
  return info;
}

boost::asio::awaitable<Result<TrainedModelInfo>> IntentService::start() {
  if (!subscribed_) {
    subscribed_ = true;
    // Another instance trained: reload from the store. Runs detached from the bus thread.
    bus_.subscribe(kIntentsTopic, [this](const std::string& payload) {
      if (payload != instance_tag_) reload_pending_ = true;
    });
  }
  auto seeded = co_await store_.seed_examples(shipped_);
  if (!seeded) co_return seeded.error();
  co_return co_await train();
}

boost::asio::awaitable<void> IntentService::boot() {
  auto info = co_await start();
  if (!info) {
    spdlog::warn("routing: intents not loaded from the database ({}); serving the shipped model",
                 info.error().detail);
    reload_pending_ = true;  // the poll loop retries
    co_return;
  }
  spdlog::info("routing: intent model ready ({} examples, {} intents, {} ms)", info->examples,
               info->intents, info->train_ms);
}

boost::asio::awaitable<Result<std::vector<IntentDefinition>>> IntentService::definitions() {
  co_return co_await store_.definitions();
}

boost::asio::awaitable<Status> IntentService::put_definitions(std::vector<IntentDefinition> intents) {
  if (intents.size() > kMaxIntentDefinitions) {
    co_return Error::invalid("at most 1000 intents", "/intents");
  }
  for (std::size_t i = 0; i < intents.size(); ++i) {
    if (!valid_intent_name(intents[i].name)) {
      co_return Error::invalid("an intent name is 1-64 characters of a-z, 0-9, _ - .",
                               "/intents/" + std::to_string(i) + "/name");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (intents[j].name == intents[i].name) {
        co_return Error::invalid("duplicate intent name", "/intents/" + std::to_string(i) + "/name");
      }
    }
  }
  // Compile the rules now so a bad pattern is refused with its position, not at training.
  std::vector<routing::IntentRuleError> errors;
  routing::TextNormalizer normalizer;
  std::vector<routing::IntentRule> rules;
  std::vector<std::size_t> rule_owner;
  for (std::size_t i = 0; i < intents.size(); ++i) {
    rules.push_back({intents[i].name, intents[i].keywords, intents[i].patterns});
    rule_owner.push_back(i);
  }
  (void)routing::CompiledIntentRules::compile(rules, normalizer, errors);
  if (!errors.empty()) {
    const auto& e = errors.front();
    co_return Error::invalid(e.message, "/intents/" + std::to_string(rule_owner[e.rule_index]) +
                                            "/patterns/" + std::to_string(e.pattern_index));
  }
  co_return co_await store_.replace_definitions(std::move(intents));
}

boost::asio::awaitable<Status> IntentService::put_examples(std::vector<routing::LabelledExample> examples) {
  if (examples.empty()) co_return Error::invalid("at least one example", "/examples");
  if (examples.size() > routing::kMaxTrainingExamples) {
    co_return Error::invalid("too many examples", "/examples");
  }
  for (std::size_t i = 0; i < examples.size(); ++i) {
    if (!valid_intent_name(examples[i].intent)) {
      co_return Error::invalid("an intent name is 1-64 characters of a-z, 0-9, _ - .",
                               "/examples/" + std::to_string(i) + "/intent");
    }
  }
  co_return co_await store_.replace_examples(std::move(examples));
}

boost::asio::awaitable<Result<TrainedModelInfo>> IntentService::train() {
  reload_pending_ = false;
  auto examples = co_await store_.examples();
  if (!examples) co_return examples.error();
  auto definitions = co_await store_.definitions();
  if (!definitions) co_return definitions.error();
  if (examples->empty()) *examples = shipped_;
  auto info = train_from(*examples, *definitions);
  if (info) bus_.publish(kIntentsTopic, instance_tag_);
  co_return info;
}

boost::asio::awaitable<void> IntentService::reload_if_notified() {
  if (!reload_pending_.exchange(false)) co_return;
  auto examples = co_await store_.examples();
  auto definitions = co_await store_.definitions();
  if (!examples || !definitions) {
    reload_pending_ = true;  // try again on the next tick
    co_return;
  }
  if (examples->empty()) *examples = shipped_;
  auto info = train_from(*examples, *definitions);
  if (!info) spdlog::warn("routing: retraining after a notice failed: {}", info.error().detail);
}

routing::Classification IntentService::classify(std::string_view text, int top_k) const {
  const auto current = model();
  if (!current) return {std::string(routing::kOutOfScopeIntent), 0.0, {}, false};
  return current->classify(text, top_k);
}

std::shared_ptr<const routing::IntentModel> IntentService::model() const {
  std::lock_guard lock(mutex_);
  return model_;
}

}  // namespace cc::services
