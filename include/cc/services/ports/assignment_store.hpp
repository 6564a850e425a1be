#pragma once
// Port: the assignment engine's durable side (routing tasks, offers, queues, agents' routing
// profiles). Several instances may race; every claim happens in one transaction under row locks
// (agents locked in id order, tasks FOR UPDATE SKIP LOCKED), so a task goes to exactly one agent
// and no agent ends over capacity. Times are passed in (injected clock) where they decide.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"
#include "cc/services/assignment_matcher.hpp"

namespace cc::services {

struct OfferMade {
  domain::Id offer_id = 0;
  domain::Id conversation_id = 0;
  domain::Id agent_id = 0;
  domain::TimePoint expires_at{};
};

struct RoundOptions {
  domain::TimePoint now{};
  std::size_t batch = 5000;  // tasks considered per round
  std::chrono::seconds aging{60};
  // Per workflow version: its `priority_aging` (tasks keep the version they entered with);
  // tasks of other versions age by `aging`.
  std::map<int, TaskAging> workflow_aging;
};

struct RoundResult {
  std::vector<domain::Conversation> assigned;
  std::vector<OfferMade> offers;
  std::size_t tasks_considered = 0;
};

struct ExpiredOffers {
  std::size_t expired = 0;
  std::vector<domain::Id> agents_set_away;  // missed max_missed offers in a row
  std::vector<domain::Id> agents_missed;
};

struct OfflineOutcome {
  domain::Id conversation_id = 0;
  domain::Id former_agent_id = 0;
  OfflineAction action = OfflineAction::keep;
  std::string queue;
};

struct PositionNotice {
  domain::Id conversation_id = 0;
  int position = 0;
  std::string queue;
  std::string language;  // the plan's ("zh", "en", ...); empty: unknown
};

// A task whose steps all timed out under a plan ending in `ticket` or `close`, claimed by one
// instance (its state is 'exhausted' from then on).
struct ExhaustedTask {
  domain::Id conversation_id = 0;
  domain::Id customer_id = 0;
  RoutingPlan plan;
};

// Waiting tasks of one queue, and how many of its tasks were assigned lately (for conditions
// on queue.length / queue.oldest_wait and the expected wait told to customers).
struct AssignmentQueueLoad {
  std::string queue;
  int waiting = 0;
  std::optional<domain::TimePoint> oldest_entered_at;
  int assigned_recently = 0;  // within the `window` given to queue_loads
};

// An agent's routing profile (admin/supervisor REST).
struct AgentRoutingProfile {
  domain::Id agent_id = 0;
  std::map<std::string, int> skills;
  std::vector<std::string> languages;
  std::map<std::string, int> capacity;  // channel name -> slots
};

struct QueueDraft {
  std::string key;
  std::string name;
  QueueStrategy strategy = QueueStrategy::longest_idle;
  int offer_timeout_seconds = 0;
  int wrap_up_seconds = 0;
  OfflineAction offline_action = OfflineAction::keep;
  int offline_grace_seconds = 120;
  std::string transfer_queue;
  std::optional<std::vector<domain::Id>> members;  // nullopt: unchanged (update)
};

class AssignmentStore {
 public:
  virtual ~AssignmentStore() = default;
  // Inserts or replaces the tasks (one per conversation; a plan for an assigned task puts it
  // back to waiting). The plans' entered_at is kept for a task already waiting.
  virtual boost::asio::awaitable<Status> enqueue(std::vector<RoutingPlan> plans) = 0;
  // One matching round in one transaction.
  virtual boost::asio::awaitable<Result<RoundResult>> run_round(RoundOptions options) = 0;
  virtual boost::asio::awaitable<Result<domain::Conversation>> accept_offer(domain::Id offer_id,
                                                                          domain::Id agent_id,
                                                                          domain::TimePoint now) = 0;
  virtual boost::asio::awaitable<Status> decline_offer(domain::Id offer_id, domain::Id agent_id) = 0;
  virtual boost::asio::awaitable<Result<ExpiredOffers>> expire_offers(domain::TimePoint now,
                                                                      int max_missed) = 0;
  virtual boost::asio::awaitable<Result<std::vector<OfflineOutcome>>> release_offline_agents(
      domain::TimePoint now, int limit) = 0;
  virtual boost::asio::awaitable<Result<std::vector<PositionNotice>>> due_position_notices(
      domain::TimePoint now, std::chrono::seconds interval, std::vector<domain::Channel> channels,
      int limit) = 0;
  // Claims (state 'exhausted') up to `limit` waiting tasks whose every step timed out at `now`
  // and whose plan ends in a ticket or a closing message.
  virtual boost::asio::awaitable<Result<std::vector<ExhaustedTask>>> claim_exhausted(domain::TimePoint now,
                                                                                    int limit) = 0;
  // Every queue (also empty ones) with its waiting tasks and recent assignments.
  virtual boost::asio::awaitable<Result<std::vector<AssignmentQueueLoad>>> queue_loads(
      std::chrono::seconds window) = 0;
  // Every active agent with load, for candidates(); and the queue of the step.
  virtual boost::asio::awaitable<Result<std::vector<AgentSnapshot>>> agent_snapshots() = 0;

  virtual boost::asio::awaitable<Result<std::vector<QueueSettings>>> list_queues() = 0;
  virtual boost::asio::awaitable<Result<QueueSettings>> get_queue(std::string key) = 0;
  virtual boost::asio::awaitable<Result<QueueSettings>> create_queue(QueueDraft draft) = 0;
  virtual boost::asio::awaitable<Result<QueueSettings>> update_queue(std::string key, QueueDraft draft) = 0;
  virtual boost::asio::awaitable<Result<AgentRoutingProfile>> get_profile(domain::Id agent_id) = 0;
  virtual boost::asio::awaitable<Result<AgentRoutingProfile>> put_profile(AgentRoutingProfile profile) = 0;
  virtual boost::asio::awaitable<Result<std::string>> customer_tier(domain::Id customer_id) = 0;
};

}  // namespace cc::services
