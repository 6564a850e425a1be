#pragma once
// The FAQ bot's pure parts: a BM25 index over character n-grams of normalised question
// variants (works for Chinese without segmentation, and for English), and the rules that hand a
// conversation from the bot to a human. Immutable once built; thread-safe. Storage, refresh and
// REST: bot_service.hpp; the turn loop: RoutingEngine::bot_turn (docs/routing.md).
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cc/routing/normalizer.hpp"

namespace cc::services {

struct FaqEntry {
  std::string id;
  std::vector<std::string> questions;          // variants
  std::map<std::string, std::string> answers;  // language ("zh", "en", "*") -> answer
  std::vector<std::string> tags;
};

struct FaqMatch {
  std::size_t entry;   // index into the entries the index was built from
  double score;        // BM25
  double confidence;   // score relative to the query's best possible score, 0..1
};

class FaqIndex {
 public:
  FaqIndex(std::vector<FaqEntry> entries, const routing::TextNormalizer& normalizer);
  // Best entry first; at most `limit`.
  std::vector<FaqMatch> search(std::string_view text, std::size_t limit = 3) const;
  const std::vector<FaqEntry>& entries() const { return entries_; }

 private:
  std::vector<std::string> grams(std::string_view text) const;

  const routing::TextNormalizer& normalizer_;
  std::vector<FaqEntry> entries_;
  struct Doc {
    std::size_t entry;
    std::unordered_map<std::string, int> counts;
    std::size_t length;
  };
  std::vector<Doc> docs_;  // one per question variant
  std::unordered_map<std::string, int> document_frequency_;
  double average_length_ = 1;
};

enum class HandoffReason { none, customer_asked, too_many_turns, negative_sentiment, vip, rule };
std::string_view to_string(HandoffReason reason);

struct BotTurn {
  std::string text;
  int unresolved_turns = 0;  // bot answers so far that did not resolve the question
  double sentiment_score = 0;
  bool escalate = false;
  std::string customer_tier;
  bool rule_requires_human = false;
};

// Why the bot must hand over now, or none. Customers asking for a human win over everything.
HandoffReason handoff_reason(const BotTurn& turn, const routing::TextNormalizer& normalizer,
                             int max_unresolved_turns = 3);

}  // namespace cc::services
