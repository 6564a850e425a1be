#pragma once
// The intent classifier: admin rules first, then naive Bayes over character/word n-grams of the
// normalised text, with a softmax confidence and an out-of-scope threshold. Built by
// train_intent_model() from in-memory examples (about 2,000 train in a few milliseconds);
// immutable afterwards, so the service shares one through a shared_ptr and swaps it on retrain.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cc/routing/intent_rules.hpp"
#include "cc/routing/naive_bayes.hpp"
#include "cc/routing/normalizer.hpp"

namespace cc::routing {

inline constexpr std::string_view kOutOfScopeIntent = "out_of_scope";

struct LabelledExample {
  std::string text;
  std::string intent;
};

struct TrainOptions {
  double smoothing = 0.1;  // Laplace / additive alpha
  // Logits are the per-feature average log-likelihood times this; it sets how peaked the
  // confidence is (tuned on data/intents/heldout.csv, see src/routing/README.md).
  double sharpness = 10.0;
  double out_of_scope_threshold = 0.45;              // top confidence below this -> out_of_scope
  std::shared_ptr<const TextNormalizer> normalizer;  // null: fold width and case only
};

struct ScoredIntent {
  std::string intent;
  double confidence;
};

struct Classification {
  std::string intent;  // kOutOfScopeIntent when below the threshold
  double confidence;   // of the best intent (1.0 when a rule matched)
  std::vector<ScoredIntent> top_k;
  bool matched_rule = false;
};

class IntentModel {
 public:
  Classification classify(std::string_view text, int top_k) const;

  const std::vector<std::string>& intents() const { return intents_; }
  std::size_t example_count() const { return example_count_; }
  std::size_t vocabulary_size() const { return bayes_.vocabulary_size(); }

 private:
  friend struct IntentModelBuilder;
  std::shared_ptr<const TextNormalizer> normalizer_;
  std::shared_ptr<const CompiledIntentRules> rules_;
  NaiveBayes bayes_;
  std::vector<std::string> intents_;  // class index -> name, the model's classes first
  std::size_t example_count_ = 0;
  double sharpness_ = 1.0;
  double out_of_scope_threshold_ = 0.0;
};

struct TrainError {
  std::string message;
  std::string where;  // "examples[12]" or "rules[3].patterns[0]"
};

struct TrainResult {
  std::optional<IntentModel> model;  // empty when errors is not
  std::vector<TrainError> errors;
};

inline constexpr std::size_t kMaxTrainingExamples = 200000;
inline constexpr std::size_t kMaxIntentNameBytes = 64;

TrainResult train_intent_model(const std::vector<LabelledExample>& examples,
                               const std::vector<IntentRule>& rules, const TrainOptions& options);

}  // namespace cc::routing
