#pragma once
// Aho-Corasick automaton over Unicode code points: finds every occurrence of every pattern in
// one pass over the text, in time linear in the text plus the matches. Built once, then
// immutable; matching is const and thread-safe.
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace cc::routing {

class AhoCorasick {
 public:
  // Empty patterns are ignored; pattern ids are their indexes in the vector.
  explicit AhoCorasick(const std::vector<std::u32string>& patterns);

  // A walker feeds the text one code point at a time (so callers can skip characters) and
  // reports (pattern id, pattern length) for each pattern ending at the code point just fed.
  class Walker {
   public:
    explicit Walker(const AhoCorasick& automaton) : automaton_(&automaton) {}
    void feed(char32_t cp,
              const std::function<void(std::uint32_t id, std::uint32_t length)>& on_match);

   private:
    const AhoCorasick* automaton_;
    std::uint32_t state_ = 0;
  };

  std::size_t state_count() const { return nodes_.size(); }

 private:
  struct Node {
    std::uint32_t fail = 0;
    std::uint32_t output_link = 0;  // nearest state on the fail chain with a pattern (0: none)
    std::int32_t pattern = -1;      // pattern ending exactly here
    std::uint32_t depth = 0;
  };
  std::uint32_t child(std::uint32_t state, char32_t cp) const;  // 0 when there is none
  std::uint32_t step(std::uint32_t state, char32_t cp) const;

  std::vector<Node> nodes_;
  std::unordered_map<std::uint64_t, std::uint32_t> edges_;  // (state << 32 | cp) -> state
};

}  // namespace cc::routing
