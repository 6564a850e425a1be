#pragma once
// Tokens of the routing condition language. Keywords are case-insensitive (AND, and, And);
// names are letters, digits and '_' joined by dots (customer.attributes.city); strings use
// single or double quotes with backslash escapes; numbers are decimal. Positions: line and
// column are 1-based (column counts code points), offset is the 0-based byte offset.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cc::routing {

struct SourcePosition {
  std::size_t line = 1;
  std::size_t column = 1;
  std::size_t offset = 0;
};

struct ExpressionError {
  SourcePosition position;
  std::string message;
};

enum class TokenKind {
  end,
  name,
  string,
  number,
  kw_true,
  kw_false,
  kw_null,
  kw_and,
  kw_or,
  kw_not,
  kw_in,
  kw_contains,
  kw_has,
  kw_starts_with,
  kw_matches,
  kw_exists,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  lparen,
  rparen,
  lbracket,
  rbracket,
  comma,
  minus,
  invalid,
};

std::string_view describe(TokenKind kind);

struct Token {
  TokenKind kind;
  std::string text;  // name, unescaped string or number spelling
  double number = 0;
  SourcePosition position;
};

// Always ends with an `end` token; bad characters become `invalid` tokens and an error each.
std::vector<Token> tokenize_expression(std::string_view source,
                                       std::vector<ExpressionError>& errors);

}  // namespace cc::routing
