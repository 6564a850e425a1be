#include "cc/routing/expression_lexer.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

namespace cc::routing {

namespace {

constexpr std::pair<std::string_view, TokenKind> kKeywords[] = {
    {"and", TokenKind::kw_and},
    {"or", TokenKind::kw_or},
    {"not", TokenKind::kw_not},
    {"in", TokenKind::kw_in},
    {"contains", TokenKind::kw_contains},
    {"has", TokenKind::kw_has},
    {"starts_with", TokenKind::kw_starts_with},
    {"matches", TokenKind::kw_matches},
    {"exists", TokenKind::kw_exists},
    {"true", TokenKind::kw_true},
    {"false", TokenKind::kw_false},
    {"null", TokenKind::kw_null},
};

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Lexer {
 public:
  Lexer(std::string_view source, std::vector<ExpressionError>& errors)
      : source_(source), errors_(errors) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    while (true) {
      skip_space();
      if (at_ >= source_.size()) {
        tokens.push_back({TokenKind::end, {}, 0, position_});
        return tokens;
      }
      tokens.push_back(next());
    }
  }

 private:
  char peek(std::size_t ahead = 0) const {
    return at_ + ahead < source_.size() ? source_[at_ + ahead] : '\0';
  }

  void advance() {
    const char c = source_[at_++];
    position_.offset = at_;
    if (c == '\n') {
      ++position_.line;
      position_.column = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++position_.column;  // continuation bytes do not start a new column
    }
  }

  void skip_space() {
    while (at_ < source_.size() && std::isspace(static_cast<unsigned char>(peek()))) advance();
  }

  void error(const SourcePosition& where, std::string message) {
    errors_.push_back({where, std::move(message)});
  }

  Token next() {
    const SourcePosition start = position_;
    const char c = peek();
    if (is_name_start(c)) return name_or_keyword(start);
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && std::isdigit(static_cast<unsigned char>(peek(1))))) {
      return number(start);
    }
    if (c == '"' || c == '\'') return string(start, c);
    auto two = [&](char second, TokenKind both, TokenKind one) {
      advance();
      if (peek() == second) {
        advance();
        return Token{both, {}, 0, start};
      }
      return Token{one, {}, 0, start};
    };
    switch (c) {
      case '(':
        advance();
        return {TokenKind::lparen, {}, 0, start};
      case ')':
        advance();
        return {TokenKind::rparen, {}, 0, start};
      case '[':
        advance();
        return {TokenKind::lbracket, {}, 0, start};
      case ']':
        advance();
        return {TokenKind::rbracket, {}, 0, start};
      case ',':
        advance();
        return {TokenKind::comma, {}, 0, start};
      case '-':
        advance();
        return {TokenKind::minus, {}, 0, start};
      case '<':
        return two('=', TokenKind::le, TokenKind::lt);
      case '>':
        return two('=', TokenKind::ge, TokenKind::gt);
      case '=':
        advance();
        if (peek() == '=') {
          advance();
          return {TokenKind::eq, {}, 0, start};
        }
        error(start, "'=' is not an operator: use '==' to compare");
        return {TokenKind::eq, {}, 0, start};  // recover as if '==' was meant
      case '!':
        advance();
        if (peek() == '=') {
          advance();
          return {TokenKind::ne, {}, 0, start};
        }
        error(start, "'!' is not an operator: use NOT");
        return {TokenKind::kw_not, {}, 0, start};
      default:
        break;
    }
    // Skip the whole (possibly multi-byte) character.
    advance();
    while (at_ < source_.size() && (static_cast<unsigned char>(peek()) & 0xC0) == 0x80) advance();
    error(start, "unexpected character");
    return {TokenKind::invalid, {}, 0, start};
  }

  Token name_or_keyword(const SourcePosition& start) {
    std::string text;
    while (true) {
      while (is_name_char(peek())) {
        text.push_back(peek());
        advance();
      }
      if (peek() == '.' && is_name_start(peek(1))) {
        text.push_back('.');
        advance();
        continue;
      }
      break;
    }
    if (peek() == '.') {
      error(position_, "a name part must follow '.'");
      advance();
    }
    if (text.find('.') == std::string::npos) {
      std::string lower = text;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char ch) { return std::tolower(ch); });
      for (const auto& [word, kind] : kKeywords) {
        if (lower == word) return {kind, std::move(text), 0, start};
      }
    }
    return {TokenKind::name, std::move(text), 0, start};
  }

  Token number(const SourcePosition& start) {
    const std::size_t begin = at_;
    while (std::isdigit(static_cast<unsigned char>(peek())) || peek() == '.') advance();
    const std::string_view spelling = source_.substr(begin, at_ - begin);
    double value = 0;
    const auto [end, ec] =
        std::from_chars(spelling.data(), spelling.data() + spelling.size(), value);
    if (ec != std::errc{} || end != spelling.data() + spelling.size()) {
      error(start, "malformed number '" + std::string(spelling) + "'");
    }
    if (is_name_start(peek())) error(position_, "a number must not run into a name");
    return {TokenKind::number, std::string(spelling), value, start};
  }

  Token string(const SourcePosition& start, char quote) {
    advance();
    std::string text;
    while (at_ < source_.size() && peek() != quote) {
      if (peek() == '\\') {
        const SourcePosition escape = position_;
        advance();
        switch (peek()) {
          case 'n':
            text.push_back('\n');
            break;
          case 't':
            text.push_back('\t');
            break;
          case '\\':
          case '\'':
          case '"':
            text.push_back(peek());
            break;
          case '\0':
            error(escape, "unterminated string");
            return {TokenKind::string, std::move(text), 0, start};
          default:
            // Kept as written, so regular expressions like "\d+" read naturally.
            text.push_back('\\');
            text.push_back(peek());
        }
        advance();
        continue;
      }
      text.push_back(peek());
      advance();
    }
    if (at_ >= source_.size()) {
      error(start, "unterminated string");
      return {TokenKind::string, std::move(text), 0, start};
    }
    advance();  // closing quote
    return {TokenKind::string, std::move(text), 0, start};
  }

  std::string_view source_;
  std::vector<ExpressionError>& errors_;
  std::size_t at_ = 0;
  SourcePosition position_;
};

}  // namespace

std::string_view describe(TokenKind kind) {
  switch (kind) {
    case TokenKind::end:
      return "end of expression";
    case TokenKind::name:
      return "name";
    case TokenKind::string:
      return "string";
    case TokenKind::number:
      return "number";
    case TokenKind::kw_true:
      return "TRUE";
    case TokenKind::kw_false:
      return "FALSE";
    case TokenKind::kw_null:
      return "NULL";
    case TokenKind::kw_and:
      return "AND";
    case TokenKind::kw_or:
      return "OR";
    case TokenKind::kw_not:
      return "NOT";
    case TokenKind::kw_in:
      return "IN";
    case TokenKind::kw_contains:
      return "CONTAINS";
    case TokenKind::kw_has:
      return "HAS";
    case TokenKind::kw_starts_with:
      return "STARTS_WITH";
    case TokenKind::kw_matches:
      return "MATCHES";
    case TokenKind::kw_exists:
      return "EXISTS";
    case TokenKind::eq:
      return "'=='";
    case TokenKind::ne:
      return "'!='";
    case TokenKind::lt:
      return "'<'";
    case TokenKind::le:
      return "'<='";
    case TokenKind::gt:
      return "'>'";
    case TokenKind::ge:
      return "'>='";
    case TokenKind::lparen:
      return "'('";
    case TokenKind::rparen:
      return "')'";
    case TokenKind::lbracket:
      return "'['";
    case TokenKind::rbracket:
      return "']'";
    case TokenKind::comma:
      return "','";
    case TokenKind::minus:
      return "'-'";
    case TokenKind::invalid:
      return "invalid character";
  }
  return "token";
}

std::vector<Token> tokenize_expression(std::string_view source,
                                       std::vector<ExpressionError>& errors) {
  return Lexer(source, errors).run();
}

}  // namespace cc::routing
