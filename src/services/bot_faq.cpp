// FaqIndex (BM25 over character bigrams/trigrams and words) and the bot hand-off rules.
#include "cc/services/bot_faq.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "cc/routing/unicode.hpp"

namespace cc::services {
namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;

}  // namespace

FaqIndex::FaqIndex(std::vector<FaqEntry> entries, const routing::TextNormalizer& normalizer)
    : normalizer_(normalizer), entries_(std::move(entries)) {
  std::size_t total = 0;
  for (std::size_t e = 0; e < entries_.size(); ++e) {
    for (const auto& question : entries_[e].questions) {
      Doc doc{e, {}, 0};
      for (auto& gram : grams(question)) ++doc.counts[std::move(gram)];
      for (const auto& [gram, count] : doc.counts) {
        doc.length += static_cast<std::size_t>(count);
        ++document_frequency_[gram];
      }
      total += doc.length;
      docs_.push_back(std::move(doc));
    }
  }
  if (!docs_.empty()) average_length_ = std::max(1.0, static_cast<double>(total) / static_cast<double>(docs_.size()));
}

// Code-point bigrams and trigrams of the normalised text without spaces, plus whole Latin words.
std::vector<std::string> FaqIndex::grams(std::string_view text) const {
  const auto normalized = normalizer_.normalize(text);
  std::vector<std::string> points;
  std::vector<std::string> out;
  std::string word;
  for (std::size_t pos = 0; pos < normalized.size();) {
    const char32_t cp = routing::decode_utf8(normalized, pos);
    if (routing::is_word_char(cp)) {
      routing::append_utf8(word, cp);
    } else if (!word.empty()) {
      out.push_back("w:" + word);
      word.clear();
    }
    if (routing::is_ignorable_separator(cp)) continue;
    std::string one;
    routing::append_utf8(one, cp);
    points.push_back(std::move(one));
  }
  if (!word.empty()) out.push_back("w:" + word);
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    out.push_back(points[i] + points[i + 1]);
    if (i + 2 < points.size()) out.push_back(points[i] + points[i + 1] + points[i + 2]);
  }
  if (points.size() == 1) out.push_back(points[0]);
  return out;
}

std::vector<FaqMatch> FaqIndex::search(std::string_view text, std::size_t limit) const {
  auto query = grams(text);
  std::sort(query.begin(), query.end());
  query.erase(std::unique(query.begin(), query.end()), query.end());
  const double n = static_cast<double>(docs_.size());
  std::vector<double> idf(query.size(), 0);
  double best_possible = 0;
  for (std::size_t q = 0; q < query.size(); ++q) {
    const auto it = document_frequency_.find(query[q]);
    const double df = it == document_frequency_.end() ? 0 : it->second;
    idf[q] = std::log(1 + (n - df + 0.5) / (df + 0.5));
    // Grams no question has count too (at their idf), so a message sharing one rare gram with a
    // question and nothing else does not look like a confident match.
    best_possible += idf[q] * (kK1 + 1) / (1 + kK1);
  }
  std::map<std::size_t, double> best_per_entry;
  for (const auto& doc : docs_) {
    double score = 0;
    const double norm = kK1 * (1 - kB + kB * static_cast<double>(doc.length) / average_length_);
    for (std::size_t q = 0; q < query.size(); ++q) {
      const auto it = doc.counts.find(query[q]);
      if (it == doc.counts.end()) continue;
      const double tf = it->second;
      score += idf[q] * tf * (kK1 + 1) / (tf + norm);
    }
    auto& best = best_per_entry[doc.entry];
    best = std::max(best, score);
  }
  std::vector<FaqMatch> out;
  for (const auto& [entry, score] : best_per_entry) {
    if (score <= 0) continue;
    out.push_back({entry, score, best_possible > 0 ? std::min(1.0, score / best_possible) : 0});
  }
  std::sort(out.begin(), out.end(), [](const FaqMatch& a, const FaqMatch& b) { return a.score > b.score; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::string_view to_string(HandoffReason reason) {
  switch (reason) {
    case HandoffReason::none: return "none";
    case HandoffReason::customer_asked: return "customer_asked";
    case HandoffReason::too_many_turns: return "too_many_turns";
    case HandoffReason::negative_sentiment: return "negative_sentiment";
    case HandoffReason::vip: return "vip";
    case HandoffReason::rule: return "rule";
  }
  return "none";
}

HandoffReason handoff_reason(const BotTurn& turn, const routing::TextNormalizer& normalizer,
                             int max_unresolved_turns) {
  // Matched on normalised text (Traditional folded, full-width and case folded, separators
  // dropped) so "轉 人 工", "ＨＵＭＡＮ" and "real-person" still count.
  std::string compact;
  std::string spaced = " ";
  const auto normalized = normalizer.normalize(turn.text);
  for (std::size_t pos = 0; pos < normalized.size();) {
    const char32_t cp = routing::decode_utf8(normalized, pos);
    if (routing::is_word_char(cp)) {
      routing::append_utf8(spaced, cp);
    } else {
      spaced += ' ';
    }
    if (!routing::is_ignorable_separator(cp)) routing::append_utf8(compact, cp);
  }
  spaced += ' ';
  static const std::vector<std::string> kHan{"人工", "转人工", "真人", "客服人员", "人工客服"};
  static const std::vector<std::string> kWords{" human ", " agent ", " operator ", " real person ",
                                               " representative ", " talk to someone "};
  for (const auto& term : kHan) {
    if (compact.find(term) != std::string::npos) return HandoffReason::customer_asked;
  }
  std::string collapsed;  // single spaces between words
  for (const char c : spaced) {
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed += c;
  }
  for (const auto& term : kWords) {
    if (collapsed.find(term) != std::string::npos) return HandoffReason::customer_asked;
  }
  if (turn.rule_requires_human) return HandoffReason::rule;
  if (turn.customer_tier == "vip") return HandoffReason::vip;
  if (turn.escalate || turn.sentiment_score <= -0.5) return HandoffReason::negative_sentiment;
  if (turn.unresolved_turns >= max_unresolved_turns) return HandoffReason::too_many_turns;
  return HandoffReason::none;
}

}  // namespace cc::services
