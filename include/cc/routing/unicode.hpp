#pragma once
// UTF-8 decoding and the few code-point classes routing needs (Han ideographs, word characters,
// characters a sensitive word may hide behind). Pure functions; invalid bytes decode to U+FFFD
// so every input, valid or not, has a well-defined reading.
#include <cstddef>
#include <string>
#include <string_view>

namespace cc::routing {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point starting at text[pos] and advances pos past it (at least one byte).
char32_t decode_utf8(std::string_view text, std::size_t& pos);
void append_utf8(std::string& out, char32_t code_point);

bool is_han(char32_t cp);
bool is_white_space(char32_t cp);
// Letters and digits of Latin, Greek and Cyrillic scripts (words are runs of these).
bool is_word_char(char32_t cp);
// Spaces, punctuation, symbols, zero-width characters and emoji: what may be inserted between
// the letters of a sensitive word to hide it.
bool is_ignorable_separator(char32_t cp);

}  // namespace cc::routing
