#pragma once
// Multinomial naive Bayes over hashed binary features with Laplace (additive) smoothing, kept in
// log space. Stored sparsely: per feature only the classes it was seen in, as the difference
// from that class's "unseen feature" log-probability, so scoring touches only what matters.
// Immutable after training; scoring is const and thread-safe.
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace cc::routing {

class NaiveBayes {
 public:
  // documents[i] holds distinct feature hashes, labels[i] its class in [0, class_count).
  static NaiveBayes train(const std::vector<std::vector<std::uint64_t>>& documents,
                          const std::vector<std::uint32_t>& labels, std::size_t class_count,
                          double alpha);

  // Log joint probability per class (prior plus known features); *known_features receives how
  // many of the features were seen in training (the others carry no evidence and are skipped).
  std::vector<double> log_scores(const std::vector<std::uint64_t>& features,
                                 std::size_t* known_features) const;

  std::size_t class_count() const { return log_prior_.size(); }
  std::size_t vocabulary_size() const { return feature_slot_.size(); }

 private:
  struct Entry {
    std::uint32_t class_index;
    float log_ratio;  // log P(f | c) - log P(unseen | c)
  };
  std::vector<double> log_prior_;
  std::vector<double> log_unseen_;
  std::unordered_map<std::uint64_t, std::uint32_t> feature_slot_;  // feature -> index into begin_
  std::vector<std::uint32_t> begin_;  // slot -> first entry; size slots+1
  std::vector<Entry> entries_;
};

}  // namespace cc::routing
