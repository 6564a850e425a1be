// Recursive-descent parser for the routing condition language (grammar in
// src/routing/README.md). It collects several errors per source: after an error it skips to
// the next AND, OR or ')' and carries on, so an admin sees every mistake at once.
#include <algorithm>
#include <array>

#include "cc/routing/expression.hpp"
#include "expression_ast.hpp"

namespace cc::routing {

using NodePtr = std::unique_ptr<ExpressionNode>;

struct ExpressionCompiler {
  static CompiledExpression make(NodePtr root, std::vector<std::string> names) {
    CompiledExpression compiled;
    compiled.root_ = std::shared_ptr<const ExpressionNode>(std::move(root));
    compiled.names_ = std::move(names);
    return compiled;
  }
};

namespace {

NodePtr make_node(ExpressionOp op) {
  auto node = std::make_unique<ExpressionNode>();
  node->op = op;
  return node;
}

NodePtr make_binary(ExpressionOp op, NodePtr left, NodePtr right) {
  auto node = make_node(op);
  node->children.push_back(std::move(left));
  node->children.push_back(std::move(right));
  return node;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const ParseOptions& options,
         std::vector<ExpressionError>& errors)
      : tokens_(std::move(tokens)), options_(options), errors_(errors) {}

  NodePtr parse() {
    NodePtr root = parse_or();
    if (!fatal_ && peek().kind != TokenKind::end) {
      error(peek(), "expected AND, OR or the end of the expression, found " +
                        std::string(describe(peek().kind)));
    }
    return root;
  }

  std::vector<std::string> take_names() { return std::move(names_); }

 private:
  const Token& peek(std::size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& take() {
    const Token& token = peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return token;
  }
  bool accept(TokenKind kind) {
    if (peek().kind != kind) return false;
    take();
    return true;
  }
  void error(const Token& at, std::string message) {
    errors_.push_back({at.position, std::move(message)});
  }

  // Skips to the next AND / OR / ')' that belongs to the current level (or the end).
  void synchronize() {
    int parens = 0;
    while (peek().kind != TokenKind::end) {
      const TokenKind kind = peek().kind;
      if (parens == 0 &&
          (kind == TokenKind::kw_and || kind == TokenKind::kw_or || kind == TokenKind::rparen))
        return;
      if (kind == TokenKind::lparen) ++parens;
      if (kind == TokenKind::rparen) --parens;
      take();
    }
  }

  bool enter(const Token& at) {
    if (++depth_ > options_.max_depth) {
      if (!fatal_)
        error(at,
              "expression nested more than " + std::to_string(options_.max_depth) + " levels deep");
      fatal_ = true;
    }
    return !fatal_;
  }

  NodePtr parse_or() {
    NodePtr left = parse_and();
    while (!fatal_ && accept(TokenKind::kw_or)) {
      NodePtr right = parse_and();
      left = left && right
                 ? make_binary(ExpressionOp::logical_or, std::move(left), std::move(right))
                 : nullptr;
    }
    return left;
  }

  NodePtr parse_and() {
    NodePtr left = parse_term();
    while (!fatal_ && accept(TokenKind::kw_and)) {
      NodePtr right = parse_term();
      left = left && right
                 ? make_binary(ExpressionOp::logical_and, std::move(left), std::move(right))
                 : nullptr;
    }
    return left;
  }

  // A NOT-expression or predicate, followed by something that may follow it.
  NodePtr parse_term() {
    NodePtr node = parse_not();
    if (fatal_) return nullptr;
    const TokenKind next = peek().kind;
    const bool fits = next == TokenKind::kw_and || next == TokenKind::kw_or ||
                      next == TokenKind::rparen || next == TokenKind::end;
    if (!node || !fits) {
      if (node)
        error(peek(), "expected AND, OR, ')' or the end, found " + std::string(describe(next)));
      synchronize();
      return nullptr;
    }
    return node;
  }

  NodePtr parse_not() {
    if (peek().kind == TokenKind::kw_not) {
      const Token& at = take();
      if (!enter(at)) return nullptr;
      NodePtr operand = parse_not();
      --depth_;
      if (!operand) return nullptr;
      auto node = make_node(ExpressionOp::logical_not);
      node->children.push_back(std::move(operand));
      return node;
    }
    if (peek().kind == TokenKind::kw_exists) {  // prefix form: EXISTS customer.email
      take();
      if (peek().kind != TokenKind::name) {
        error(peek(), "EXISTS needs a name, found " + std::string(describe(peek().kind)));
        return nullptr;
      }
      return exists_node(take());
    }
    return parse_predicate();
  }

  NodePtr exists_node(const Token& name) {
    if (!check_name(name)) return nullptr;
    auto node = make_node(ExpressionOp::exists);
    node->name = name.text;
    return node;
  }

  NodePtr parse_predicate() {
    NodePtr left = parse_operand();
    if (!left) return nullptr;
    static constexpr std::array<std::pair<TokenKind, ExpressionOp>, 9> kBinary{{
        {TokenKind::eq, ExpressionOp::eq},
        {TokenKind::ne, ExpressionOp::ne},
        {TokenKind::lt, ExpressionOp::lt},
        {TokenKind::le, ExpressionOp::le},
        {TokenKind::gt, ExpressionOp::gt},
        {TokenKind::ge, ExpressionOp::ge},
        {TokenKind::kw_in, ExpressionOp::in},
        {TokenKind::kw_contains, ExpressionOp::contains},
        {TokenKind::kw_has, ExpressionOp::has},
    }};
    const TokenKind kind = peek().kind;
    for (const auto& [token, op] : kBinary) {
      if (kind != token) continue;
      take();
      NodePtr right = parse_operand();
      return right ? make_binary(op, std::move(left), std::move(right)) : nullptr;
    }
    if (kind == TokenKind::kw_starts_with) {
      take();
      NodePtr right = parse_operand();
      return right ? make_binary(ExpressionOp::starts_with, std::move(left), std::move(right))
                   : nullptr;
    }
    if (kind == TokenKind::kw_not && peek(1).kind == TokenKind::kw_in) {
      take();
      take();
      NodePtr right = parse_operand();
      return right ? make_binary(ExpressionOp::not_in, std::move(left), std::move(right)) : nullptr;
    }
    if (kind == TokenKind::kw_matches) return parse_matches(std::move(left));
    if (kind == TokenKind::kw_exists) {
      const Token& at = take();
      if (left->op != ExpressionOp::name) {
        error(at, "EXISTS applies to a name");
        return nullptr;
      }
      auto node = make_node(ExpressionOp::exists);
      node->name = left->name;
      return node;
    }
    return left;  // a bare operand: true only when it is the boolean true
  }

  NodePtr parse_matches(NodePtr left) {
    take();
    const Token& pattern = peek();
    if (pattern.kind != TokenKind::string) {
      error(pattern,
            "MATCHES needs a string literal pattern, found " + std::string(describe(pattern.kind)));
      return nullptr;
    }
    take();
    RE2::Options re_options;
    re_options.set_log_errors(false);
    re_options.set_max_mem(1 << 20);
    auto regex = std::make_unique<RE2>(pattern.text, re_options);
    if (!regex->ok()) {
      error(pattern, "invalid regular expression: " + regex->error());
      return nullptr;
    }
    auto node = make_node(ExpressionOp::matches);
    node->children.push_back(std::move(left));
    node->regex = std::move(regex);
    return node;
  }

  bool check_name(const Token& name) {
    if (options_.is_known_name && !options_.is_known_name(name.text)) {
      error(name, "unknown name '" + name.text + "'");
      return false;
    }
    if (std::find(names_.begin(), names_.end(), name.text) == names_.end())
      names_.push_back(name.text);
    return true;
  }

  std::optional<Value> literal(const Token& token) {
    switch (token.kind) {
      case TokenKind::string:
        return Value::string(token.text);
      case TokenKind::number:
        return Value::number(token.number);
      case TokenKind::kw_true:
        return Value::boolean(true);
      case TokenKind::kw_false:
        return Value::boolean(false);
      case TokenKind::kw_null:
        return Value();
      default:
        return std::nullopt;
    }
  }

  NodePtr literal_node(Value value) {
    auto node = make_node(ExpressionOp::literal);
    node->literal = std::move(value);
    return node;
  }

  NodePtr parse_operand() {
    const Token& token = peek();
    if (auto value = literal(token)) {
      take();
      return literal_node(std::move(*value));
    }
    if (token.kind == TokenKind::minus && peek(1).kind == TokenKind::number) {
      take();
      return literal_node(Value::number(-take().number));
    }
    if (token.kind == TokenKind::name) {
      take();
      if (!check_name(token)) return nullptr;
      auto node = make_node(ExpressionOp::name);
      node->name = token.text;
      return node;
    }
    if (token.kind == TokenKind::lbracket) return parse_list();
    if (token.kind == TokenKind::lparen) {
      const Token& open = take();
      if (!enter(open)) return nullptr;
      NodePtr inner = parse_or();
      --depth_;
      if (fatal_) return nullptr;
      if (!accept(TokenKind::rparen)) {
        error(peek(),
              "missing ')' to close the '(' at column " + std::to_string(open.position.column));
        return nullptr;
      }
      return inner;
    }
    error(token, "expected a value, a name or '(', found " + std::string(describe(token.kind)));
    return nullptr;
  }

  NodePtr parse_list() {
    take();  // '['
    std::vector<Value> items;
    if (accept(TokenKind::rbracket)) return literal_node(Value::list({}));
    while (true) {
      const Token& token = peek();
      std::optional<Value> value = literal(token);
      if (token.kind == TokenKind::minus && peek(1).kind == TokenKind::number) {
        take();
        value = Value::number(-peek().number);
      }
      if (!value) {
        error(token, "a list holds literals (strings, numbers, TRUE, FALSE), found " +
                         std::string(describe(token.kind)));
        return nullptr;
      }
      take();
      if (items.size() >= options_.max_list_items) {
        error(token, "list longer than " + std::to_string(options_.max_list_items) + " items");
        return nullptr;
      }
      items.push_back(std::move(*value));
      if (accept(TokenKind::rbracket)) return literal_node(Value::list(std::move(items)));
      if (!accept(TokenKind::comma)) {
        error(peek(),
              "expected ',' or ']' in the list, found " + std::string(describe(peek().kind)));
        return nullptr;
      }
    }
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  const ParseOptions& options_;
  std::vector<ExpressionError>& errors_;
  std::vector<std::string> names_;
  std::size_t depth_ = 0;
  bool fatal_ = false;
};

}  // namespace

ParseResult parse_expression(std::string_view source, const ParseOptions& options) {
  ParseResult result;
  if (source.size() > options.max_source_bytes) {
    result.errors.push_back(
        {{1, 1, 0},
         "expression longer than " + std::to_string(options.max_source_bytes) + " bytes"});
    return result;
  }
  auto tokens = tokenize_expression(source, result.errors);
  Parser parser(std::move(tokens), options, result.errors);
  NodePtr root = parser.parse();
  std::stable_sort(result.errors.begin(), result.errors.end(),
                   [](const ExpressionError& a, const ExpressionError& b) {
                     return a.position.offset < b.position.offset;
                   });
  // One error per place: a lexer error often causes a parser error at the same token.
  result.errors.erase(std::unique(result.errors.begin(), result.errors.end(),
                                  [](const ExpressionError& a, const ExpressionError& b) {
                                    return a.position.offset == b.position.offset;
                                  }),
                      result.errors.end());
  if (result.errors.empty()) {
    if (root) {
      result.expression = ExpressionCompiler::make(std::move(root), parser.take_names());
    } else {
      result.errors.push_back({{1, 1, 0}, "empty expression"});
    }
  }
  return result;
}

}  // namespace cc::routing
