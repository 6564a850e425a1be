#pragma once
// Sensitive-word detection over admin-editable lists: text and words are normalised the same
// way (Traditional -> Simplified, full-width -> half-width, case, common digit/symbol
// look-alikes), separators (spaces, punctuation, symbols, emoji, zero-width characters) are
// skipped, and an Aho-Corasick automaton finds every word in one pass. Matches carry byte
// offsets into the original text so the caller can mask them. Immutable; thread-safe.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cc/routing/aho_corasick.hpp"
#include "cc/routing/normalizer.hpp"

namespace cc::routing {

struct SensitiveWord {
  std::string text;
  std::string category;  // e.g. "profanity", "politics", "pii"; free-form, reported back
};

struct SensitiveMatch {
  std::size_t begin;       // byte offset of the first character in the original text
  std::size_t end;         // one past the last byte of the last character
  std::size_t word_index;  // into the list the matcher was built from
};

struct SensitiveMatcherOptions {
  // Latin-script words only match as whole words ("shit" not in "this hit"); the separators an
  // evader inserts between letters are not word characters, so "s.h.i.t" still matches.
  bool latin_whole_words = true;
};

inline constexpr std::size_t kMaxSensitiveWords = 100000;
inline constexpr std::size_t kMaxSensitiveWordCodePoints = 64;

class SensitiveWordMatcher {
 public:
  // Words that normalise to nothing, or are longer than the limit, are skipped (see skipped()).
  SensitiveWordMatcher(std::vector<SensitiveWord> words,
                       std::shared_ptr<const TextNormalizer> normalizer,
                       SensitiveMatcherOptions options = {});

  // Sorted by begin, then end; overlapping matches are all reported.
  std::vector<SensitiveMatch> find(std::string_view text) const;

  const std::vector<SensitiveWord>& words() const { return words_; }
  const std::vector<std::size_t>& skipped() const { return skipped_; }

 private:
  std::vector<SensitiveWord> words_;
  std::vector<std::size_t> skipped_;
  std::vector<bool> word_is_latin_start_;
  std::vector<bool> word_is_latin_end_;
  std::shared_ptr<const TextNormalizer> normalizer_;
  SensitiveMatcherOptions options_;
  std::unique_ptr<AhoCorasick> automaton_;
};

// Replaces each matched span (overlapping ones merged) of the original text with
// `replacement`. Spans outside the text are ignored.
std::string mask_spans(std::string_view text, std::vector<SensitiveMatch> matches,
                       std::string_view replacement = "***");

}  // namespace cc::routing
