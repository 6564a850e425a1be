#include "cc/routing/sensitive_words.hpp"

#include <algorithm>

#include "cc/routing/unicode.hpp"

namespace cc::routing {

namespace {

// Look-alikes evaders swap in for letters; applied to words and text alike.
char32_t fold_look_alike(char32_t cp) {
  switch (cp) {
    case '0':
      return 'o';
    case '1':
      return 'i';
    case '3':
      return 'e';
    case '4':
      return 'a';
    case '5':
      return 's';
    case '7':
      return 't';
    case '@':
      return 'a';
    case '$':
      return 's';
    default:
      return cp;
  }
}

// The code points of a normalised word or text that take part in matching.
bool matchable(char32_t cp) { return !is_ignorable_separator(cp); }

}  // namespace

SensitiveWordMatcher::SensitiveWordMatcher(std::vector<SensitiveWord> words,
                                           std::shared_ptr<const TextNormalizer> normalizer,
                                           SensitiveMatcherOptions options)
    : words_(std::move(words)),
      normalizer_(normalizer ? std::move(normalizer) : std::make_shared<const TextNormalizer>()),
      options_(options) {
  if (words_.size() > kMaxSensitiveWords) {
    for (std::size_t i = kMaxSensitiveWords; i < words_.size(); ++i) skipped_.push_back(i);
  }
  std::vector<std::u32string> patterns(words_.size());
  word_is_latin_start_.assign(words_.size(), false);
  word_is_latin_end_.assign(words_.size(), false);
  for (std::size_t i = 0; i < std::min(words_.size(), kMaxSensitiveWords); ++i) {
    std::u32string pattern;
    for (const auto& m : normalizer_->normalize_mapped(words_[i].text)) {
      const char32_t cp = fold_look_alike(m.cp);
      if (matchable(cp)) pattern.push_back(cp);
    }
    if (pattern.empty() || pattern.size() > kMaxSensitiveWordCodePoints) {
      skipped_.push_back(i);
      continue;
    }
    word_is_latin_start_[i] = is_word_char(pattern.front());
    word_is_latin_end_[i] = is_word_char(pattern.back());
    patterns[i] = std::move(pattern);
  }
  std::sort(skipped_.begin(), skipped_.end());
  automaton_ = std::make_unique<AhoCorasick>(patterns);
}

std::vector<SensitiveMatch> SensitiveWordMatcher::find(std::string_view text) const {
  auto mapped = normalizer_->normalize_mapped(text);
  for (auto& m : mapped) m.cp = fold_look_alike(m.cp);
  // Positions (into mapped) of the code points fed to the automaton.
  std::vector<std::uint32_t> fed;
  fed.reserve(mapped.size());

  std::vector<SensitiveMatch> matches;
  AhoCorasick::Walker walker(*automaton_);
  for (std::uint32_t i = 0; i < mapped.size(); ++i) {
    if (!matchable(mapped[i].cp)) continue;
    fed.push_back(i);
    walker.feed(mapped[i].cp, [&](std::uint32_t id, std::uint32_t length) {
      const std::uint32_t first = fed[fed.size() - length];
      const std::uint32_t last = i;
      if (options_.latin_whole_words) {
        if (word_is_latin_start_[id] && first > 0 && is_word_char(mapped[first - 1].cp)) return;
        if (word_is_latin_end_[id] && last + 1 < mapped.size() && is_word_char(mapped[last + 1].cp))
          return;
      }
      matches.push_back({mapped[first].begin, mapped[last].end, id});
    });
  }
  std::sort(matches.begin(), matches.end(), [](const SensitiveMatch& a, const SensitiveMatch& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  return matches;
}

std::string mask_spans(std::string_view text, std::vector<SensitiveMatch> matches,
                       std::string_view replacement) {
  std::sort(matches.begin(), matches.end(),
            [](const SensitiveMatch& a, const SensitiveMatch& b) { return a.begin < b.begin; });
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;  // text[0, copied) is already handled
  for (const auto& match : matches) {
    if (match.begin >= match.end || match.end > text.size()) continue;
    if (match.begin < copied) {
      // Overlaps the span just masked: extend that span.
      if (match.end > copied) copied = match.end;
      continue;
    }
    out.append(text.substr(copied, match.begin - copied));
    out.append(replacement);
    copied = match.end;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace cc::routing
