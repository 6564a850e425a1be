// Trains the intent model on data/intents/default.csv and reports, on the held-out split
// data/intents/heldout.csv: accuracy, per-intent precision and recall, training time and the
// classify latency (p50/p99, nanoseconds). Prints figures; never passes or fails on them.
// Usage: intent_accuracy [data_dir [sharpness [out_of_scope_threshold]]]
// (defaults: the repository's data/ and TrainOptions' defaults)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "cc/routing/intent_csv.hpp"
#include "cc/routing/intent_model.hpp"
#include "cc/routing/opencc_converter.hpp"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
  using namespace cc::routing;
  const std::string data = argc > 1 ? argv[1] : CC_DATA_DIR;
  const auto train = parse_intent_csv(read_file(data + "/intents/default.csv"));
  const auto heldout = parse_intent_csv(read_file(data + "/intents/heldout.csv"));
  if (!train.errors.empty() || !heldout.errors.empty() || train.examples.empty()) {
    std::fprintf(stderr, "cannot read the intent CSV files under %s\n", data.c_str());
    return 1;
  }
  std::string error;
  auto converter = open_opencc_converter(kOpenccT2sConfig, &error);
  if (!converter) std::fprintf(stderr, "warning: %s (no Traditional folding)\n", error.c_str());
  TrainOptions options;
  options.normalizer = std::make_shared<const TextNormalizer>(converter);
  if (argc > 2) options.sharpness = std::atof(argv[2]);
  if (argc > 3) options.out_of_scope_threshold = std::atof(argv[3]);

  const auto started = Clock::now();
  auto trained = train_intent_model(train.examples, {}, options);
  const auto train_us =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
  if (!trained.model) return 1;
  const IntentModel& model = *trained.model;

  // The size: about 2,000 examples (the training file four times over).
  std::vector<LabelledExample> four_times;
  for (int copy = 0; copy < 4; ++copy) {
    for (const auto& example : train.examples) four_times.push_back(example);
  }
  const auto big_start = Clock::now();
  const auto big = train_intent_model(four_times, {}, options);
  const auto big_us =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - big_start).count();
  std::printf("training on %zu examples: %lld us\n", big.model ? big.model->example_count() : 0,
              static_cast<long long>(big_us));

  std::map<std::string, int> true_positive, predicted, actual;
  int correct = 0;
  int out_of_scope = 0;
  std::vector<double> latencies_ns;
  for (int round = 0; round < 20; ++round) {
    for (const auto& example : heldout.examples) {
      const auto t0 = Clock::now();
      const auto result = model.classify(example.text, 3);
      latencies_ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count());
      if (round > 0) continue;
      ++actual[example.intent];
      ++predicted[result.intent];
      if (result.intent == kOutOfScopeIntent) ++out_of_scope;
      if (result.intent == example.intent) {
        ++correct;
        ++true_positive[example.intent];
      } else {
        std::printf("  miss: %-50s want %-16s got %s (%.2f)\n", example.text.c_str(),
                    example.intent.c_str(), result.intent.c_str(), result.confidence);
      }
    }
  }
  std::sort(latencies_ns.begin(), latencies_ns.end());
  auto percentile = [&](double p) {
    return latencies_ns[static_cast<std::size_t>(p * (latencies_ns.size() - 1))];
  };

  const auto total = heldout.examples.size();
  std::printf("trained on %zu examples, %zu intents, %zu features in %lld us\n",
              model.example_count(), model.intents().size(), model.vocabulary_size(),
              static_cast<long long>(train_us));
  std::printf("sharpness %.2f, out-of-scope threshold %.2f\n", options.sharpness,
              options.out_of_scope_threshold);
  std::printf("held-out accuracy: %.3f (%d/%zu), out_of_scope answers: %d\n",
              static_cast<double>(correct) / static_cast<double>(total), correct, total,
              out_of_scope);
  std::printf("%-18s %9s %9s\n", "intent", "precision", "recall");
  for (const auto& [intent, count] : actual) {
    const int tp = true_positive[intent];
    const double precision = predicted[intent] ? static_cast<double>(tp) / predicted[intent] : 0.0;
    std::printf("%-18s %9.3f %9.3f\n", intent.c_str(), precision, static_cast<double>(tp) / count);
  }
  std::printf("classify latency over %zu calls: p50 %.0f ns, p99 %.0f ns\n", latencies_ns.size(),
              percentile(0.50), percentile(0.99));
  return 0;
}
