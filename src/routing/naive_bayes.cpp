#include "cc/routing/naive_bayes.hpp"

#include <cmath>
#include <utility>

namespace cc::routing {

NaiveBayes NaiveBayes::train(const std::vector<std::vector<std::uint64_t>>& documents,
                             const std::vector<std::uint32_t>& labels, std::size_t class_count,
                             double alpha) {
  NaiveBayes model;
  // counts[slot] = (class, documents of that class with the feature), a short list per feature.
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> counts;
  std::vector<double> class_total(class_count, 0.0);
  std::vector<double> class_documents(class_count, 0.0);
  model.feature_slot_.reserve(documents.size() * 16);

  for (std::size_t d = 0; d < documents.size(); ++d) {
    const std::uint32_t label = labels[d];
    class_documents[label] += 1;
    for (std::uint64_t feature : documents[d]) {
      auto [it, inserted] =
          model.feature_slot_.try_emplace(feature, static_cast<std::uint32_t>(counts.size()));
      if (inserted) counts.emplace_back();
      auto& list = counts[it->second];
      bool found = false;
      for (auto& [cls, count] : list) {
        if (cls == label) {
          ++count;
          found = true;
          break;
        }
      }
      if (!found) list.emplace_back(label, 1);
      class_total[label] += 1;
    }
  }

  const double vocabulary = static_cast<double>(counts.size());
  const double document_count = static_cast<double>(documents.size());
  model.log_prior_.resize(class_count);
  model.log_unseen_.resize(class_count);
  for (std::size_t c = 0; c < class_count; ++c) {
    model.log_prior_[c] =
        std::log((class_documents[c] + 1.0) / (document_count + static_cast<double>(class_count)));
    model.log_unseen_[c] = std::log(alpha / (class_total[c] + alpha * vocabulary));
  }
  model.begin_.reserve(counts.size() + 1);
  for (const auto& list : counts) {
    model.begin_.push_back(static_cast<std::uint32_t>(model.entries_.size()));
    for (const auto& [cls, count] : list) {
      const double log_ratio = std::log((count + alpha) / alpha);  // the denominators cancel
      model.entries_.push_back({cls, static_cast<float>(log_ratio)});
    }
  }
  model.begin_.push_back(static_cast<std::uint32_t>(model.entries_.size()));
  return model;
}

std::vector<double> NaiveBayes::log_scores(const std::vector<std::uint64_t>& features,
                                           std::size_t* known_features) const {
  std::vector<double> scores = log_prior_;
  std::size_t known = 0;
  for (std::uint64_t feature : features) {
    const auto it = feature_slot_.find(feature);
    if (it == feature_slot_.end()) continue;
    ++known;
    for (std::uint32_t e = begin_[it->second]; e < begin_[it->second + 1]; ++e) {
      scores[entries_[e].class_index] += entries_[e].log_ratio;
    }
  }
  for (std::size_t c = 0; c < scores.size(); ++c)
    scores[c] += static_cast<double>(known) * log_unseen_[c];
  if (known_features) *known_features = known;
  return scores;
}

}  // namespace cc::routing
