#include "cc/routing/sentiment.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "cc/routing/term_match.hpp"
#include "cc/routing/unicode.hpp"

namespace cc::routing {

namespace {

enum Kind { kPositive, kNegative, kNegator, kIntensifier, kEscalation };

std::u32string decode(std::string_view text) {
  std::u32string out;
  for (std::size_t pos = 0; pos < text.size();) out.push_back(decode_utf8(text, pos));
  return out;
}

bool is_clause_break(char32_t cp) {
  switch (cp) {
    case ',':
    case '.':
    case '!':
    case '?':
    case ';':
    case ':':
    case 0x3002:
    case 0xFF0C:
    case 0x3001:
    case 0xFF01:
    case 0xFF1F:
    case 0xFF1B:
    case '\n':
      return true;
    default:
      return cp == 0x2026;  // ellipsis
  }
}

// A token: a lexicon hit (term set) or a plain word/character (term null); breaks end clauses.
struct Token {
  const void* term;
  bool clause_break;
};

}  // namespace

std::string_view to_string(SentimentLabel label) {
  switch (label) {
    case SentimentLabel::negative:
      return "negative";
    case SentimentLabel::positive:
      return "positive";
    case SentimentLabel::neutral:
      break;
  }
  return "neutral";
}

SentimentAnalyzer::SentimentAnalyzer(const SentimentLexiconText& lexicon,
                                     std::shared_ptr<const TextNormalizer> normalizer,
                                     SentimentOptions options)
    : normalizer_(normalizer ? std::move(normalizer) : std::make_shared<const TextNormalizer>()),
      options_(options) {
  add_terms(lexicon.positive, kPositive);
  add_terms(lexicon.negative, kNegative);
  add_terms(lexicon.negators, kNegator);
  add_terms(lexicon.intensifiers, kIntensifier);
  add_terms(lexicon.escalation, kEscalation);
}

void SentimentAnalyzer::add_terms(std::string_view text, int kind) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (const auto hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    // The last space-separated field is the number when the kind has one.
    std::string word = normalizer_->normalize(line);
    double number = 1.0;
    if (kind == kPositive || kind == kNegative || kind == kIntensifier) {
      const auto space = word.rfind(' ');
      if (space != std::string::npos) {
        number = std::strtod(word.c_str() + space + 1, nullptr);
        word.resize(space);
      }
      if (!(number > 0) || number > 10) continue;  // also skips NaN
    }
    if (word.empty()) continue;
    if (kind == kEscalation) {
      escalation_.push_back(word);
      continue;
    }
    const auto key = decode(word);
    if (is_han(key.front())) longest_han_term_ = std::max(longest_han_term_, key.size());
    Term& term = terms_[key];
    if (kind == kPositive) term.weight = number;
    if (kind == kNegative) term.weight = -number;
    if (kind == kNegator) term.negator = true;
    if (kind == kIntensifier) term.multiplier = number;
  }
}

Sentiment SentimentAnalyzer::analyze(std::string_view text) const {
  const std::string normalized = normalizer_->normalize(text);
  const std::u32string cps = decode(normalized);

  std::vector<Token> tokens;
  for (std::size_t i = 0; i < cps.size();) {
    const char32_t cp = cps[i];
    if (is_han(cp)) {
      // Forward maximum matching: the longest lexicon entry starting here, else one character.
      std::size_t length = std::min(longest_han_term_, cps.size() - i);
      const Term* found = nullptr;
      for (; length > 0; --length) {
        const auto it = terms_.find(cps.substr(i, length));
        if (it != terms_.end()) {
          found = &it->second;
          break;
        }
      }
      tokens.push_back({found, false});
      i += found ? length : 1;
    } else if (is_word_char(cp)) {
      std::size_t end = i;
      // Apostrophes inside words stay: "don't", "isn't".
      while (end < cps.size() &&
             (is_word_char(cps[end]) || (cps[end] == '\'' && end + 1 < cps.size() &&
                                         is_word_char(cps[end + 1]) && end > i))) {
        ++end;
      }
      const std::u32string word = cps.substr(i, end - i);
      const auto it = terms_.find(word);
      static const Term kContractionNegator{0, 0, true};
      const bool contraction = word.size() > 3 && word.ends_with(U"n't");
      tokens.push_back(
          {it != terms_.end() ? &it->second : (contraction ? &kContractionNegator : nullptr),
           false});
      i = end;
    } else {
      if (is_clause_break(cp)) tokens.push_back({nullptr, true});
      ++i;
    }
  }

  double sum = 0;
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    const auto* term = static_cast<const Term*>(tokens[t].term);
    if (!term || term->weight == 0) continue;
    double value = term->weight;
    bool negated = false;
    for (std::size_t back = 1; back <= options_.negation_window && back <= t; ++back) {
      const Token& before = tokens[t - back];
      if (before.clause_break) break;
      const auto* modifier = static_cast<const Term*>(before.term);
      if (!modifier) continue;
      if (modifier->negator) negated = !negated;
      if (modifier->multiplier > 0) value *= modifier->multiplier;
    }
    if (negated) value *= options_.negation_factor;
    sum += value;
  }

  Sentiment result;
  result.score = std::clamp(sum / std::sqrt(sum * sum + 4.0), -1.0, 1.0);
  if (result.score >= options_.label_threshold) result.label = SentimentLabel::positive;
  if (result.score <= -options_.label_threshold) result.label = SentimentLabel::negative;
  for (const auto& term : escalation_) {
    if (contains_term(normalized, term)) result.escalation_terms.push_back(term);
  }
  result.escalate = !result.escalation_terms.empty() || result.score <= options_.escalate_below;
  return result;
}

}  // namespace cc::routing
