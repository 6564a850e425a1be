#include "cc/routing/intent_model.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "cc/routing/ngram_features.hpp"

namespace cc::routing {

// Fills IntentModel's private parts; the only code allowed to.
struct IntentModelBuilder {
  static IntentModel build(std::shared_ptr<const TextNormalizer> normalizer,
                           std::shared_ptr<const CompiledIntentRules> rules, NaiveBayes bayes,
                           std::vector<std::string> intents, std::size_t examples,
                           const TrainOptions& options) {
    IntentModel model;
    model.normalizer_ = std::move(normalizer);
    model.rules_ = std::move(rules);
    model.bayes_ = std::move(bayes);
    model.intents_ = std::move(intents);
    model.example_count_ = examples;
    model.sharpness_ = options.sharpness;
    model.out_of_scope_threshold_ = options.out_of_scope_threshold;
    return model;
  }
};

namespace {

std::vector<double> softmax(const std::vector<double>& logits) {
  std::vector<double> out(logits.size());
  if (logits.empty()) return out;
  const double top = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (std::size_t i = 0; i < logits.size(); ++i) sum += out[i] = std::exp(logits[i] - top);
  for (auto& p : out) p /= sum;
  return out;
}

bool valid_intent_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxIntentNameBytes) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
  });
}

}  // namespace

TrainResult train_intent_model(const std::vector<LabelledExample>& examples,
                               const std::vector<IntentRule>& rules, const TrainOptions& options) {
  TrainResult result;
  auto normalizer =
      options.normalizer ? options.normalizer : std::make_shared<const TextNormalizer>();
  if (examples.size() > kMaxTrainingExamples) {
    result.errors.push_back({"more than 200000 examples", "examples"});
    return result;
  }
  if (examples.empty() && rules.empty()) {
    result.errors.push_back({"no examples and no rules to train from", "examples"});
    return result;
  }

  std::vector<std::string> intents;
  std::unordered_map<std::string, std::uint32_t> index;
  auto intern = [&](const std::string& name) {
    auto [it, inserted] = index.try_emplace(name, static_cast<std::uint32_t>(intents.size()));
    if (inserted) intents.push_back(name);
    return it->second;
  };

  std::vector<std::vector<std::uint64_t>> documents;
  std::vector<std::uint32_t> labels;
  documents.reserve(examples.size());
  for (std::size_t i = 0; i < examples.size(); ++i) {
    const auto& example = examples[i];
    const std::string where = "examples[" + std::to_string(i) + "]";
    if (!valid_intent_name(example.intent) || example.intent == kOutOfScopeIntent) {
      result.errors.push_back({"intent must be 1-64 of a-z 0-9 _ - . and not out_of_scope", where});
      continue;
    }
    auto features = extract_features(normalizer->normalize(example.text));
    if (features.empty()) continue;  // punctuation only: nothing to learn
    labels.push_back(intern(example.intent));
    documents.push_back(std::move(features));
  }
  const std::size_t model_classes = intents.size();

  std::vector<IntentRuleError> rule_errors;
  auto compiled = std::make_shared<CompiledIntentRules>(
      CompiledIntentRules::compile(rules, *normalizer, rule_errors));
  for (const auto& e : rule_errors) {
    result.errors.push_back({e.message, "rules[" + std::to_string(e.rule_index) + "].patterns[" +
                                            std::to_string(e.pattern_index) + "]"});
  }
  for (std::size_t r = 0; r < rules.size(); ++r) {
    if (!valid_intent_name(rules[r].intent)) {
      result.errors.push_back(
          {"intent must be 1-64 of a-z 0-9 _ - .", "rules[" + std::to_string(r) + "].intent"});
    } else {
      intern(rules[r].intent);
    }
  }
  if (!result.errors.empty()) return result;

  auto bayes = NaiveBayes::train(documents, labels, model_classes, options.smoothing);
  result.model =
      IntentModelBuilder::build(std::move(normalizer), std::move(compiled), std::move(bayes),
                                std::move(intents), documents.size(), options);
  return result;
}

Classification IntentModel::classify(std::string_view text, int top_k) const {
  const std::string normalized = normalizer_->normalize(text);
  const std::size_t wanted = static_cast<std::size_t>(std::max(top_k, 1));

  std::vector<ScoredIntent> ranked;
  std::size_t known = 0;
  if (bayes_.class_count() > 0) {
    const auto features = extract_features(normalized);
    auto logits = bayes_.log_scores(features, &known);
    // Average over all the message's features (unknown ones add nothing): long and short
    // messages get comparable confidence, and text the model has mostly never seen stays flat.
    const double scale =
        sharpness_ / static_cast<double>(std::max<std::size_t>(features.size(), 1));
    for (auto& l : logits) l *= scale;
    const auto probabilities = softmax(logits);
    ranked.reserve(probabilities.size());
    for (std::size_t c = 0; c < probabilities.size(); ++c)
      ranked.push_back({intents_[c], probabilities[c]});
    std::sort(ranked.begin(), ranked.end(), [](const ScoredIntent& a, const ScoredIntent& b) {
      return a.confidence > b.confidence;
    });
  }

  Classification result{std::string(kOutOfScopeIntent), 0.0, {}, false};
  if (const auto rule_intent = rules_->match(normalized); !rule_intent.empty()) {
    result.intent = std::string(rule_intent);
    result.confidence = 1.0;
    result.matched_rule = true;
    result.top_k.push_back({result.intent, 1.0});
    for (const auto& r : ranked) {
      if (result.top_k.size() >= wanted) break;
      if (r.intent != result.intent) result.top_k.push_back(r);
    }
    return result;
  }
  if (!ranked.empty()) {
    result.confidence = ranked.front().confidence;
    // No known feature is no evidence at all, whatever the priors say.
    if (known > 0 && result.confidence >= out_of_scope_threshold_)
      result.intent = ranked.front().intent;
  }
  if (ranked.size() > wanted) ranked.resize(wanted);
  result.top_k = std::move(ranked);
  return result;
}

}  // namespace cc::routing
