#include "cc/routing/intent_rules.hpp"

#include <re2/re2.h>

#include "cc/routing/normalizer.hpp"
#include "cc/routing/term_match.hpp"

namespace cc::routing {

CompiledIntentRules::CompiledIntentRules() = default;
CompiledIntentRules::~CompiledIntentRules() = default;
CompiledIntentRules::CompiledIntentRules(CompiledIntentRules&&) noexcept = default;
CompiledIntentRules& CompiledIntentRules::operator=(CompiledIntentRules&&) noexcept = default;

CompiledIntentRules CompiledIntentRules::compile(const std::vector<IntentRule>& rules,
                                                 const TextNormalizer& normalizer,
                                                 std::vector<IntentRuleError>& errors) {
  CompiledIntentRules compiled;
  RE2::Options options;
  options.set_log_errors(false);
  options.set_case_sensitive(false);
  options.set_max_mem(1 << 20);  // bounds the automaton an admin pattern can build
  for (std::size_t r = 0; r < rules.size(); ++r) {
    Compiled rule;
    rule.intent = rules[r].intent;
    for (const auto& keyword : rules[r].keywords) {
      if (keyword.size() > kMaxRuleKeywordBytes) {
        errors.push_back({r, 0, "keyword longer than 256 bytes"});
        continue;
      }
      std::string normalized = normalizer.normalize(keyword);
      if (!normalized.empty()) rule.keywords.push_back(std::move(normalized));
    }
    for (std::size_t p = 0; p < rules[r].patterns.size(); ++p) {
      const auto& pattern = rules[r].patterns[p];
      if (pattern.size() > kMaxRulePatternBytes) {
        errors.push_back({r, p, "pattern longer than 1024 bytes"});
        continue;
      }
      auto re = std::make_unique<RE2>(pattern, options);
      if (!re->ok()) {
        errors.push_back({r, p, "invalid pattern: " + re->error()});
        continue;
      }
      rule.patterns.push_back(std::move(re));
    }
    if (rule.intent.empty()) errors.push_back({r, 0, "rule without an intent"});
    compiled.rules_.push_back(std::move(rule));
  }
  return compiled;
}

std::string_view CompiledIntentRules::match(std::string_view text) const {
  for (const auto& rule : rules_) {
    for (const auto& keyword : rule.keywords) {
      if (contains_term(text, keyword)) return rule.intent;
    }
    for (const auto& pattern : rule.patterns) {
      if (RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *pattern))
        return rule.intent;
    }
  }
  return {};
}

}  // namespace cc::routing
