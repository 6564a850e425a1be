#pragma once
// The supervisor dashboard's reports (/api/v1/reports/...): figures from the ReportStore as
// JSON, and the hot words of recent customer messages (English words and Chinese bigrams).
#include <functional>
#include <nlohmann/json.hpp>

#include "cc/services/ports/report_store.hpp"

namespace cc::services {

struct HotWord {
  std::string word;
  int count = 0;
};

// Counts words of at least 3 letters (lower-cased, common English words left out) and every
// pair of adjacent Chinese characters (common function characters left out); the top `limit`,
// most frequent first, ties by word.
std::vector<HotWord> hot_words(const std::vector<std::string>& texts, std::size_t limit);

class ReportService {
 public:
  using Clock = std::function<domain::TimePoint()>;
  ReportService(ReportStore& store, Clock clock) : store_(store), clock_(std::move(clock)) {}
  boost::asio::awaitable<Result<nlohmann::json>> queues();
  boost::asio::awaitable<Result<nlohmann::json>> agents();
  boost::asio::awaitable<Result<nlohmann::json>> sla();
  boost::asio::awaitable<Result<nlohmann::json>> first_response();  // today (UTC)
  boost::asio::awaitable<Result<nlohmann::json>> csat();            // last 30 days
  // `offset_minutes`: the viewer's UTC offset, so "the day" is their day.
  boost::asio::awaitable<Result<nlohmann::json>> messages_per_hour(int offset_minutes);
  boost::asio::awaitable<Result<nlohmann::json>> hot_words(std::size_t limit);  // last 24 h

 private:
  domain::TimePoint day_start(int offset_minutes) const;
  ReportStore& store_;
  Clock clock_;
};

}  // namespace cc::services
