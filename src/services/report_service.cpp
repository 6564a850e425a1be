#include "cc/services/report_service.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <chrono>
#include <map>
#include <set>

#include "cc/domain/time_format.hpp"

namespace cc::services {
namespace {

// Decodes one UTF-8 code point at `i` (advancing it); invalid bytes count as U+FFFD.
char32_t next_code_point(const std::string& text, std::size_t& i) {
  const auto byte = static_cast<unsigned char>(text[i]);
  int length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || i + length > text.size()) { ++i; return U'\uFFFD'; }
  char32_t cp = length == 1 ? byte : byte & (0xFF >> (length + 1));
  for (int k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  i += length;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  }
  out += static_cast<char>(0x80 | (cp & 0x3F));
}

bool is_han(char32_t cp) { return cp >= 0x4E00 && cp <= 0x9FFF; }

const std::set<std::string>& english_stop_words() {
  static const std::set<std::string> words{
      "the", "and", "for", "you", "are", "was", "with", "this", "that", "have", "not", "but", "can",
      "what", "where", "when", "how", "your", "our", "from", "will", "please", "hello", "thanks",
      "thank", "there", "they", "their", "has", "had", "his", "her", "him", "its", "all", "any",
      "been", "did", "does", "just", "would", "could", "should", "about", "into", "than", "then",
      "them", "who", "why", "yes", "get", "got", "one", "out", "now", "still", "very", "too"};
  return words;
}

bool is_chinese_stop(char32_t cp) {
  static const std::u32string stops = U"的了是我你他她它们在有吗呢吧啊和就不也都这那个一么什怎请问好谢您";
  return stops.find(cp) != std::u32string::npos;
}

nlohmann::json seconds(double s) { return std::round(s * 10) / 10; }

}  // namespace

std::vector<HotWord> hot_words(const std::vector<std::string>& texts, std::size_t limit) {
  std::map<std::string, int> counts;
  for (const auto& text : texts) {
    std::string word;
    char32_t previous_han = 0;
    auto flush = [&] {
      if (word.size() >= 3 && !english_stop_words().contains(word)) ++counts[word];
      word.clear();
    };
    for (std::size_t i = 0; i < text.size();) {
      const char32_t cp = next_code_point(text, i);
      if (cp < 0x80 && std::isalnum(static_cast<int>(cp))) {
        word += static_cast<char>(std::tolower(static_cast<int>(cp)));
        previous_han = 0;
        continue;
      }
      flush();
      if (is_han(cp)) {
        if (previous_han && !is_chinese_stop(previous_han) && !is_chinese_stop(cp)) {
          std::string pair;
          append_utf8(pair, previous_han);
          append_utf8(pair, cp);
          ++counts[pair];
        }
        previous_han = cp;
      } else {
        previous_han = 0;
      }
    }
    flush();
  }
  std::vector<HotWord> out;
  for (auto& [word, count] : counts) {
    if (count >= 1) out.push_back({word, count});
  }
  std::sort(out.begin(), out.end(), [](const HotWord& a, const HotWord& b) {
    return a.count != b.count ? a.count > b.count : a.word < b.word;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

domain::TimePoint ReportService::day_start(int offset_minutes) const {
  using namespace std::chrono;
  const auto offset = minutes(offset_minutes);
  const auto local = clock_() + offset;
  return time_point_cast<domain::TimePoint::duration>(floor<days>(local) - offset);
}

boost::asio::awaitable<Result<nlohmann::json>> ReportService::queues() {
  auto list = co_await store_.queues();
  if (!list) co_return list.error();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& q : *list) {
    items.push_back({{"queue", q.queue}, {"waiting", q.waiting},
                     {"longest_wait_seconds", seconds(q.longest_wait_s)}});
  }
  co_return nlohmann::json{{"items", std::move(items)}};
}

boost::asio::awaitable<Result<nlohmann::json>> ReportService::agents() {
  auto list = co_await store_.agents();
  if (!list) co_return list.error();
  nlohmann::json by_state{{"online", 0}, {"away", 0}, {"offline", 0}};
  nlohmann::json items = nlohmann::json::array();
  for (const auto& a : *list) {
    if (by_state.contains(a.status)) by_state[a.status] = by_state[a.status].get<int>() + 1;
    items.push_back({{"id", std::to_string(a.id)}, {"name", a.name}, {"status", a.status},
                     {"load", a.load}, {"capacity", a.capacity}});
  }
  co_return nlohmann::json{{"by_state", std::move(by_state)}, {"items", std::move(items)}};
}

boost::asio::awaitable<Result<nlohmann::json>> ReportService::sla() {
  auto counts = co_await store_.sla();
  if (!counts) co_return counts.error();
  co_return nlohmann::json{{"at_risk", counts->at_risk}, {"breached", counts->breached}};
}

boost::asio::awaitable<Result<nlohmann::json>> ReportService::first_response() {
  const auto since = day_start(0);
  auto figures = co_await store_.first_response(since);
  if (!figures) co_return figures.error();
  co_return nlohmann::json{{"since", domain::format_time(since)},
                           {"conversations", figures->conversations},
                           {"average_seconds", seconds(figures->average_s)},
                           {"median_seconds", seconds(figures->median_s)}};
}

boost::asio::awaitable<Result<nlohmann::json>> ReportService::csat() {
  const auto since = clock_() - std::chrono::hours(24 * 30);
  auto summary = co_await store_.csat(since);
  if (!summary) co_return summary.error();
  co_return nlohmann::json{{"since", domain::format_time(since)},
                           {"answered", summary->answered},
                           {"average", std::round(summary->average * 100) / 100},
                           {"by_score", summary->by_score}};
}

boost::asio::awaitable<Result<nlohmann::json>> ReportService::messages_per_hour(int offset_minutes) {
  const auto start = day_start(offset_minutes);
  auto rows = co_await store_.messages_per_hour(start);
  if (!rows) co_return rows.error();
  nlohmann::json channels = nlohmann::json::object();
  for (const auto& row : *rows) {
    if (!channels.contains(row.channel)) channels[row.channel] = std::vector<int>(24, 0);
    if (row.hour >= 0 && row.hour < 24) channels[row.channel][row.hour] = row.count;
  }
  co_return nlohmann::json{{"day_start", domain::format_time(start)},
                           {"channels", std::move(channels)}};
}

boost::asio::awaitable<Result<nlohmann::json>> ReportService::hot_words(std::size_t limit) {
  const auto since = clock_() - std::chrono::hours(24);
  auto texts = co_await store_.inbound_texts(since, 5000, 1000);
  if (!texts) co_return texts.error();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& w : services::hot_words(*texts, limit)) {
    items.push_back({{"word", w.word}, {"count", w.count}});
  }
  co_return nlohmann::json{{"since", domain::format_time(since)}, {"items", std::move(items)}};
}

}  // namespace cc::services
