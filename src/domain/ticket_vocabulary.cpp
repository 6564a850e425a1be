// Wire names of the ticket vocabularies, and @mention extraction from note bodies.
#include <algorithm>
#include <array>
#include <cctype>

#include "cc/domain/ticket.hpp"

namespace cc::domain {
namespace {

constexpr std::array<std::string_view, 6> kStateNames{"new", "open", "pending", "on_hold", "solved", "closed"};
constexpr std::array<std::string_view, 7> kTypeNames{"question",  "incident", "problem", "task",
                                                     "complaint", "return",   "exchange"};
constexpr std::array<std::string_view, 4> kPriorityNames{"low", "normal", "high", "urgent"};

template <class Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

bool handle_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
         c == '+' || c == '@';
}

}  // namespace

std::string_view to_string(TicketState state) { return kStateNames[static_cast<std::size_t>(state)]; }
std::string_view to_string(TicketType type) { return kTypeNames[static_cast<std::size_t>(type)]; }
std::string_view to_string(TicketPriority priority) {
  return kPriorityNames[static_cast<std::size_t>(priority)];
}
std::optional<TicketState> parse_ticket_state(std::string_view text) {
  return parse_name<TicketState>(kStateNames, text);
}
std::optional<TicketType> parse_ticket_type(std::string_view text) {
  return parse_name<TicketType>(kTypeNames, text);
}
std::optional<TicketPriority> parse_ticket_priority(std::string_view text) {
  return parse_name<TicketPriority>(kPriorityNames, text);
}

std::vector<std::string> extract_mentions(std::string_view body) {
  std::vector<std::string> mentions;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '@') continue;
    if (i > 0 && handle_char(body[i - 1])) continue;  // inside a word: a@b is an address
    std::size_t end = i + 1;
    while (end < body.size() && handle_char(body[end])) ++end;
    std::string handle(body.substr(i + 1, end - i - 1));
    // Sentence punctuation after a mention is not part of it.
    while (!handle.empty() && (handle.back() == '.' || handle.back() == '-')) handle.pop_back();
    std::transform(handle.begin(), handle.end(), handle.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!handle.empty() && handle.size() <= 254 &&
        std::find(mentions.begin(), mentions.end(), handle) == mentions.end()) {
      mentions.push_back(std::move(handle));
    }
    i = end;
  }
  return mentions;
}

}  // namespace cc::domain
