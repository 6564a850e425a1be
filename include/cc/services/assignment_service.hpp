#pragma once
// The assignment engine: queues, skills, capacity, offers. Implements TaskQueue for the router;
// every event that may free capacity (agent online, conversation closed, capacity raised, an
// offer declined) calls wake(), and a PollingLoop pass runs anyway every `poll` so that no
// conversation waits while an eligible agent is free. A pass: expire offers, release the
// conversations of agents offline past their queue's grace period, match in batches, tell
// waiting customers their position. Thread-safe; passes run on the loop's strand.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <mutex>
#include <optional>

#include "cc/services/assignment_queue_stats.hpp"
#include "cc/services/event_dispatcher.hpp"
#include "cc/services/polling_loop.hpp"
#include "cc/services/ports/agent_repository.hpp"
#include "cc/services/ports/assignment_store.hpp"
#include "cc/services/routing_plan.hpp"

namespace cc::services {

struct AssignmentOptions {
  std::chrono::milliseconds poll{1000};
  std::size_t batch = 5000;
  std::chrono::seconds aging{60};      // +1 priority per minute waited
  int max_missed_offers = 3;           // in a row, then the agent is set away
  std::chrono::seconds position_interval{60};
  // Channels where a system message can reach a waiting customer (not voice, not email).
  std::vector<domain::Channel> position_channels{domain::Channel::webchat, domain::Channel::wechat,
                                                 domain::Channel::sms};
  std::chrono::seconds rate_window{900};  // recent assignments that give the expected wait
  int exhausted_batch = 100;              // ticket/close endings handled per pass
};

// Sends a customer a system message (queue position, "your agent left"). Implemented over
// ConversationService::send_automated in wiring; optional.
class CustomerNotifier {
 public:
  virtual ~CustomerNotifier() = default;
  virtual boost::asio::awaitable<void> tell(domain::Id conversation_id, std::string text) = 0;
};

// What happens to a task whose steps ran out under a plan ending in `ticket` (a ticket through
// the TicketCreator port, the conversation closed) or `close` (the plan's close_message, then
// closed). Implemented over TicketCreator + ConversationService in wiring; optional.
class ExhaustedTaskHandler {
 public:
  virtual ~ExhaustedTaskHandler() = default;
  virtual boost::asio::awaitable<void> handle(ExhaustedTask task) = 0;
};

// The active workflow's version and its priority aging (nullopt: no workflow, or no aging).
using WorkflowAgingSource = std::function<std::optional<std::pair<int, TaskAging>>()>;

// The text telling a waiting customer where they stand, in the plan's language (zh or en).
std::string position_notice_text(int position, std::optional<std::chrono::minutes> expected_wait,
                                 const std::string& language);

class AssignmentService final : public TaskQueue {
 public:
  using Clock = std::function<domain::TimePoint()>;
  AssignmentService(boost::asio::any_io_executor executor, AssignmentStore& store,
                    AgentRepository& agents, EventDispatcher& events, AssignmentOptions options = {},
                    Clock clock = [] { return std::chrono::system_clock::now(); });

  // TaskQueue
  boost::asio::awaitable<Status> enqueue(RoutingPlan plan) override;
  boost::asio::awaitable<Result<std::vector<CandidateVerdict>>> candidates(
      RoutingStep step, domain::Channel channel) override;

  // Queues a batch (the ingest's) and assigns at once; returns the conversations assigned
  // now (conversation.assigned is already emitted for them).
  boost::asio::awaitable<std::vector<domain::Conversation>> enqueue_and_assign(
      std::vector<RoutingPlan> plans);
  // Matching rounds until nothing more is assigned; emits events. Returns how many tasks
  // were assigned or offered.
  boost::asio::awaitable<int> assign_waiting();
  // One full timer pass (offers, offline agents, matching, position notices).
  boost::asio::awaitable<int> run_pass();

  boost::asio::awaitable<Result<domain::Conversation>> accept_offer(domain::Id offer_id, domain::Id agent_id);
  boost::asio::awaitable<Status> decline_offer(domain::Id offer_id, domain::Id agent_id);

  void set_notifier(CustomerNotifier& notifier) { notifier_ = &notifier; }
  void set_exhausted_handler(ExhaustedTaskHandler& handler) { exhausted_ = &handler; }
  void set_aging_source(WorkflowAgingSource source) { aging_source_ = std::move(source); }
  // Queue length / oldest wait for routing conditions; refreshed by every timer pass.
  const QueueStatsSource& queue_stats() const { return queue_stats_; }
  const QueueStatsCache& queue_stats_cache() const { return queue_stats_; }
  void start();  // the timer loop
  void stop();
  void wake();   // capacity may have appeared: run a pass soon

  AssignmentStore& store() { return store_; }

 private:
  boost::asio::awaitable<int> publish_round(RoundResult round);
  RoundOptions round_options();
  boost::asio::awaitable<void> end_exhausted(domain::TimePoint now);
  boost::asio::awaitable<void> tell_positions(domain::TimePoint now);
  boost::asio::awaitable<void> tell_supervisors(std::string type, nlohmann::json data);

  AssignmentStore& store_;
  AgentRepository& agents_;
  EventDispatcher& events_;
  AssignmentOptions options_;
  Clock clock_;
  CustomerNotifier* notifier_ = nullptr;
  ExhaustedTaskHandler* exhausted_ = nullptr;
  WorkflowAgingSource aging_source_;
  std::mutex aging_mutex_;
  std::map<int, TaskAging> workflow_aging_;  // every version seen active since start
  QueueStatsCache queue_stats_;
  PollingLoop loop_;
};

}  // namespace cc::services
