#pragma once
// Port: the supervisor dashboard's figures, read straight from the operational tables
// (conversations, messages, routing_tasks, agents, tickets, csat_surveys). Read-only.
#include <array>
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct QueueFigures {
  std::string queue;
  int waiting = 0;             // tasks waiting or offered
  double longest_wait_s = 0;   // since the oldest of them entered
};

struct AgentLoad {
  domain::Id id = 0;
  std::string name;
  std::string status;  // online | away | offline
  int load = 0;        // open conversations assigned
  int capacity = 0;    // sum of the per-channel capacities
};

struct SlaCounts {
  int at_risk = 0;   // unsolved tickets past their SLA warning
  int breached = 0;  // unsolved tickets past a target
};

struct FirstResponse {
  int conversations = 0;  // created since `since` with an agent reply
  double average_s = 0;
  double median_s = 0;
};

struct CsatSummary {
  int answered = 0;
  double average = 0;
  std::array<int, 5> by_score{};  // 1..5
};

struct ChannelHour {
  std::string channel;
  int hour = 0;  // 0..23 of the day asked for
  int count = 0;
};

class ReportStore {
 public:
  virtual ~ReportStore() = default;
  virtual boost::asio::awaitable<Result<std::vector<QueueFigures>>> queues() = 0;
  virtual boost::asio::awaitable<Result<std::vector<AgentLoad>>> agents() = 0;
  virtual boost::asio::awaitable<Result<SlaCounts>> sla() = 0;
  virtual boost::asio::awaitable<Result<FirstResponse>> first_response(domain::TimePoint since) = 0;
  virtual boost::asio::awaitable<Result<CsatSummary>> csat(domain::TimePoint since) = 0;
  // Messages (both directions) per channel per hour in [day_start, day_start + 24 h).
  virtual boost::asio::awaitable<Result<std::vector<ChannelHour>>> messages_per_hour(
      domain::TimePoint day_start) = 0;
  // Customer texts since `since`, newest first, each cut to `max_bytes`.
  virtual boost::asio::awaitable<Result<std::vector<std::string>>> inbound_texts(
      domain::TimePoint since, int limit, int max_bytes) = 0;
};

}  // namespace cc::services
