#include "cc/routing/ngram_features.hpp"

#include <algorithm>
#include <initializer_list>
#include <string>

#include "cc/routing/unicode.hpp"

namespace cc::routing {

namespace {

// FNV-1a over a kind tag and code points; collisions at 64 bits are negligible for this use.
std::uint64_t hash_feature(char kind, const char32_t* cps, std::size_t count) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::uint64_t value) {
    h ^= value;
    h *= 1099511628211ULL;
  };
  mix(static_cast<unsigned char>(kind));
  for (std::size_t i = 0; i < count; ++i) mix(cps[i]);
  return h;
}

std::uint64_t hash_feature(char kind, std::initializer_list<std::uint64_t> parts) {
  std::uint64_t h = 1469598103934665603ULL ^ static_cast<unsigned char>(kind);
  for (auto part : parts) {
    h ^= part;
    h *= 1099511628211ULL;
  }
  return h;
}

constexpr std::size_t kLongNumber = 4;

void add_han_run(const std::u32string& run, std::vector<std::uint64_t>& out) {
  for (std::size_t n = 1; n <= 3; ++n) {
    for (std::size_t i = 0; i + n <= run.size(); ++i)
      out.push_back(hash_feature('H', run.data() + i, n));
  }
}

// Adds the word's own features and returns its unigram hash (for bigrams).
std::uint64_t add_word(std::u32string word, std::vector<std::uint64_t>& out) {
  const bool all_digits =
      std::all_of(word.begin(), word.end(), [](char32_t c) { return c >= '0' && c <= '9'; });
  if (all_digits && word.size() >= kLongNumber) word = U"#number";
  const std::uint64_t unigram = hash_feature('W', word.data(), word.size());
  out.push_back(unigram);
  if (all_digits) return unigram;
  std::u32string marked = U"^" + word + U"$";
  for (std::size_t i = 0; i + 3 <= marked.size(); ++i)
    out.push_back(hash_feature('C', marked.data() + i, 3));
  return unigram;
}

}  // namespace

std::vector<std::uint64_t> extract_features(std::string_view text) {
  std::vector<std::uint64_t> out;
  std::u32string han_run;
  std::u32string word;
  std::uint64_t previous_word = 0;  // 0: no word before in this Latin stretch

  auto flush_word = [&] {
    if (word.empty()) return;
    const std::uint64_t current = add_word(word, out);
    if (previous_word != 0) out.push_back(hash_feature('B', {previous_word, current}));
    previous_word = current;
    word.clear();
  };
  auto flush_han = [&] {
    if (han_run.empty()) return;
    add_han_run(han_run, out);
    han_run.clear();
  };

  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t cp = decode_utf8(text, pos);
    if (is_han(cp)) {
      flush_word();
      previous_word = 0;
      han_run.push_back(cp);
    } else if (is_word_char(cp)) {
      flush_han();
      word.push_back(cp);
    } else {
      flush_han();
      flush_word();
      // Sentence punctuation ends a stretch of words; spaces and apostrophes do not.
      if (cp != ' ' && cp != '\'' && cp != '-') previous_word = 0;
    }
  }
  flush_han();
  flush_word();

  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace cc::routing
