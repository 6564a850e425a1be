#pragma once
// Text normalisation before any matching: Traditional -> Simplified Chinese (through an injected
// ChineseConverter, OpenCC in production), full-width -> half-width, Latin/Greek/Cyrillic case
// folding, whitespace collapsed. A TextNormalizer is immutable after construction and safe to
// share between threads.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cc::routing {

// Converts Traditional Chinese UTF-8 text to Simplified. Implementations must be thread-safe.
class ChineseConverter {
 public:
  virtual ~ChineseConverter() = default;
  virtual std::string convert(std::string_view utf8) const = 0;
};

// Full-width ASCII and the ideographic space to half-width, upper to lower case, any white
// space to ' ', zero-width characters dropped; one code point in, at most one out (0 = drop).
char32_t fold_code_point(char32_t cp);

// fold_code_point over the whole text (invalid UTF-8 becomes U+FFFD) and white space collapsed
// to single spaces, trimmed. No Chinese conversion: the pure part of TextNormalizer::normalize.
std::string fold_text(std::string_view text);

// One normalised code point and the byte span [begin, end) of the original text it came from.
struct MappedCodePoint {
  char32_t cp;
  std::uint32_t begin;
  std::uint32_t end;
};

class TextNormalizer {
 public:
  // converter may be null: then Chinese script is left as it is.
  explicit TextNormalizer(std::shared_ptr<const ChineseConverter> converter = nullptr);

  std::string normalize(std::string_view text) const;

  // Per code point, keeping the original byte offsets (white space is not collapsed) so a match
  // found in the normalised text can be located, and masked, in the original.
  std::vector<MappedCodePoint> normalize_mapped(std::string_view text) const;

  bool converts_chinese() const { return converter_ != nullptr; }

 private:
  std::shared_ptr<const ChineseConverter> converter_;
};

}  // namespace cc::routing
