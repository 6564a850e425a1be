#include "cc/routing/term_match.hpp"

#include "cc/routing/unicode.hpp"

namespace cc::routing {

namespace {

bool starts_with_word_char(std::string_view s) {
  if (s.empty()) return false;
  std::size_t pos = 0;
  return is_word_char(decode_utf8(s, pos));
}

bool ends_with_word_char(std::string_view s) {
  if (s.empty()) return false;
  std::size_t start = s.size() - 1;  // step back to the last code point's lead byte
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  return is_word_char(decode_utf8(s, start));
}

}  // namespace

bool contains_term(std::string_view text, std::string_view term) {
  if (term.empty()) return false;
  const bool check_front = starts_with_word_char(term);
  const bool check_back = ends_with_word_char(term);
  for (std::size_t at = text.find(term); at != std::string_view::npos;
       at = text.find(term, at + 1)) {
    const bool front_ok = !check_front || !ends_with_word_char(text.substr(0, at));
    const bool back_ok = !check_back || !starts_with_word_char(text.substr(at + term.size()));
    if (front_ok && back_ok) return true;
  }
  return false;
}

}  // namespace cc::routing
