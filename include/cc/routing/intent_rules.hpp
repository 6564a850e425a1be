#pragma once
// Admin keyword and regular-expression rules per intent, compiled once with RE2 (linear time,
// so safe for admin input). A rule matches normalised text; the first matching rule, in the
// order given, names the intent and beats the statistical model. Immutable after compile().
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace cc::routing {

class TextNormalizer;

struct IntentRule {
  std::string intent;
  std::vector<std::string> keywords;  // matched as substrings; Latin ones on word boundaries
  std::vector<std::string> patterns;  // RE2 syntax, case-insensitive, over normalised text
};

struct IntentRuleError {
  std::size_t rule_index;
  std::size_t pattern_index;
  std::string message;
};

inline constexpr std::size_t kMaxRulePatternBytes = 1024;
inline constexpr std::size_t kMaxRuleKeywordBytes = 256;

class CompiledIntentRules {
 public:
  CompiledIntentRules();
  ~CompiledIntentRules();
  CompiledIntentRules(CompiledIntentRules&&) noexcept;
  CompiledIntentRules& operator=(CompiledIntentRules&&) noexcept;

  // Keywords are normalised with `normalizer`; every invalid pattern is reported in errors.
  static CompiledIntentRules compile(const std::vector<IntentRule>& rules,
                                     const TextNormalizer& normalizer,
                                     std::vector<IntentRuleError>& errors);

  // The intent of the first rule matching the normalised text, or empty.
  std::string_view match(std::string_view normalized_text) const;

  std::size_t size() const { return rules_.size(); }

 private:
  struct Compiled {
    std::string intent;
    std::vector<std::string> keywords;
    std::vector<std::unique_ptr<re2::RE2>> patterns;
  };
  std::vector<Compiled> rules_;
};

}  // namespace cc::routing
