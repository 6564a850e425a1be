#pragma once
// Lexicon sentiment for Chinese and English: words with weights, negators that flip the next
// sentiment word in the same clause, intensifiers that scale it, and escalation terms (threats,
// complaints to authorities) that flag a message for a supervisor. Chinese is segmented by
// forward maximum matching against the lexicon. Immutable after construction; thread-safe.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cc/routing/normalizer.hpp"

namespace cc::routing {

// Contents of the lexicon files (data/sentiment/*.txt): one entry a line, "#" comments.
// positive/negative: "word weight" (weight > 0; negative.txt's are made negative);
// intensifiers: "word multiplier"; negators and escalation: "word".
struct SentimentLexiconText {
  std::string positive;
  std::string negative;
  std::string negators;
  std::string intensifiers;
  std::string escalation;
};

enum class SentimentLabel { negative, neutral, positive };
std::string_view to_string(SentimentLabel label);

struct Sentiment {
  double score = 0;  // [-1, 1]
  SentimentLabel label = SentimentLabel::neutral;
  bool escalate = false;
  std::vector<std::string> escalation_terms;  // the terms that set escalate, normalised
};

struct SentimentOptions {
  double label_threshold = 0.25;    // |score| at or above it leaves neutral
  double escalate_below = -0.85;    // this angry escalates even without an escalation term
  double negation_factor = -0.75;   // "not good" is less bad than "bad"
  std::size_t negation_window = 3;  // tokens back from the sentiment word, within the clause
};

class SentimentAnalyzer {
 public:
  SentimentAnalyzer(const SentimentLexiconText& lexicon,
                    std::shared_ptr<const TextNormalizer> normalizer,
                    SentimentOptions options = {});

  Sentiment analyze(std::string_view text) const;
  std::size_t lexicon_size() const { return terms_.size(); }

 private:
  struct Term {
    double weight = 0;      // sentiment words
    double multiplier = 0;  // intensifiers
    bool negator = false;
  };
  void add_terms(std::string_view text, int kind);

  std::shared_ptr<const TextNormalizer> normalizer_;
  SentimentOptions options_;
  std::unordered_map<std::u32string, Term> terms_;
  std::vector<std::string> escalation_;
  std::size_t longest_han_term_ = 1;
};

}  // namespace cc::routing
