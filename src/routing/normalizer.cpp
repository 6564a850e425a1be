#include "cc/routing/normalizer.hpp"

#include "cc/routing/unicode.hpp"

namespace cc::routing {

namespace {

bool is_zero_width(char32_t cp) {
  return (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

char32_t lower_case(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 0x20;
  if (cp < 0x80) return cp;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;  // Latin-1
  if (cp >= 0x100 && cp <= 0x17E && cp != 0x130 && cp != 0x138 && cp != 0x149 &&
      cp != 0x178) {  // Latin Extended-A
    // Pairs alternate upper/lower; the two ranges shifted by one start after U+0138.
    const bool odd_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
    if (odd_upper ? (cp % 2 == 1) : (cp % 2 == 0)) return cp + 1;
    return cp;
  }
  if (cp == 0x178) return 0xFF;
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 0x20;  // Greek
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;                 // Cyrillic
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  return cp;
}

std::string collapse_white_space(std::string_view folded) {
  std::string out;
  out.reserve(folded.size());
  bool pending_space = false;
  for (char c : folded) {
    if (c == ' ') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::vector<char32_t> decode_all(std::string_view text) {
  std::vector<char32_t> cps;
  cps.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) cps.push_back(decode_utf8(text, pos));
  return cps;
}

}  // namespace

char32_t fold_code_point(char32_t cp) {
  if (is_zero_width(cp)) return 0;
  if (is_white_space(cp)) return ' ';
  if (cp < 0x20 || cp == 0x7F) return 0;           // other control characters carry no meaning
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII block
  return lower_case(cp);
}

std::string fold_text(std::string_view text) {
  std::string folded;
  folded.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t cp = fold_code_point(decode_utf8(text, pos));
    if (cp != 0) append_utf8(folded, cp);
  }
  return collapse_white_space(folded);
}

TextNormalizer::TextNormalizer(std::shared_ptr<const ChineseConverter> converter)
    : converter_(std::move(converter)) {}

std::string TextNormalizer::normalize(std::string_view text) const {
  std::string folded = fold_text(text);
  if (!converter_) return folded;
  // Conversion keeps ASCII and white space as they are, so folding first stays valid.
  return converter_->convert(folded);
}

std::vector<MappedCodePoint> TextNormalizer::normalize_mapped(std::string_view text) const {
  std::vector<MappedCodePoint> mapped;
  mapped.reserve(text.size());
  bool has_han = false;
  for (std::size_t pos = 0; pos < text.size();) {
    const auto begin = static_cast<std::uint32_t>(pos);
    const char32_t cp = fold_code_point(decode_utf8(text, pos));
    if (cp == 0) continue;
    has_han = has_han || is_han(cp);
    mapped.push_back({cp, begin, static_cast<std::uint32_t>(pos)});
  }
  if (!converter_ || !has_han) return mapped;

  std::string folded;
  for (const auto& m : mapped) append_utf8(folded, m.cp);
  const auto converted = decode_all(converter_->convert(folded));
  if (converted.size() == mapped.size()) {
    // Almost always: Traditional -> Simplified maps character to character, phrases included.
    for (std::size_t i = 0; i < mapped.size(); ++i) mapped[i].cp = converted[i];
    return mapped;
  }
  // A phrase changed length: convert the Han characters one by one so offsets stay exact.
  for (auto& m : mapped) {
    if (!is_han(m.cp)) continue;
    std::string one;
    append_utf8(one, m.cp);
    const auto single = decode_all(converter_->convert(one));
    if (single.size() == 1) m.cp = single[0];
  }
  return mapped;
}

}  // namespace cc::routing
