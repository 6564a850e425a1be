#include "cc/routing/aho_corasick.hpp"

#include <deque>

namespace cc::routing {

namespace {

std::uint64_t edge_key(std::uint32_t state, char32_t cp) {
  return (static_cast<std::uint64_t>(state) << 32) | static_cast<std::uint64_t>(cp);
}

}  // namespace

AhoCorasick::AhoCorasick(const std::vector<std::u32string>& patterns) {
  nodes_.emplace_back();  // root
  std::vector<std::vector<std::pair<char32_t, std::uint32_t>>> children(1);
  for (std::size_t id = 0; id < patterns.size(); ++id) {
    if (patterns[id].empty()) continue;
    std::uint32_t state = 0;
    for (char32_t cp : patterns[id]) {
      std::uint32_t next = child(state, cp);
      if (next == 0) {
        next = static_cast<std::uint32_t>(nodes_.size());
        nodes_.push_back({0, 0, -1, nodes_[state].depth + 1});
        children.emplace_back();
        edges_.emplace(edge_key(state, cp), next);
        children[state].emplace_back(cp, next);
      }
      state = next;
    }
    if (nodes_[state].pattern < 0) nodes_[state].pattern = static_cast<std::int32_t>(id);
  }
  // Breadth first, so every fail target is finished before it is used.
  std::deque<std::uint32_t> queue;
  for (const auto& [cp, next] : children[0]) queue.push_back(next);
  while (!queue.empty()) {
    const std::uint32_t state = queue.front();
    queue.pop_front();
    for (const auto& [cp, next] : children[state]) {
      std::uint32_t fallback = nodes_[state].fail;
      while (fallback != 0 && child(fallback, cp) == 0) fallback = nodes_[fallback].fail;
      const std::uint32_t target = child(fallback, cp);
      nodes_[next].fail = target != next ? target : 0;
      const Node& fail_node = nodes_[nodes_[next].fail];
      nodes_[next].output_link = fail_node.pattern >= 0 ? nodes_[next].fail : fail_node.output_link;
      queue.push_back(next);
    }
  }
}

std::uint32_t AhoCorasick::child(std::uint32_t state, char32_t cp) const {
  const auto it = edges_.find(edge_key(state, cp));
  return it == edges_.end() ? 0 : it->second;
}

std::uint32_t AhoCorasick::step(std::uint32_t state, char32_t cp) const {
  while (true) {
    if (const std::uint32_t next = child(state, cp); next != 0) return next;
    if (state == 0) return 0;
    state = nodes_[state].fail;
  }
}

void AhoCorasick::Walker::feed(
    char32_t cp, const std::function<void(std::uint32_t id, std::uint32_t length)>& on_match) {
  const auto& nodes = automaton_->nodes_;
  state_ = automaton_->step(state_, cp);
  std::uint32_t state = nodes[state_].pattern >= 0 ? state_ : nodes[state_].output_link;
  while (state != 0) {
    on_match(static_cast<std::uint32_t>(nodes[state].pattern), nodes[state].depth);
    state = nodes[state].output_link;
  }
}

}  // namespace cc::routing
