#pragma once
// The assignment engine's pure core: given a snapshot of waiting tasks, agents (with their
// skills, languages, capacity and current load) and queues, decide who takes what. No I/O, no
// clock: the store loads a snapshot under row locks, calls match_tasks(), and writes the result
// in the same transaction. candidate_verdict() is the one eligibility rule, shared by matching
// and by the routing engine's simulate (CandidateVerdict reasons).
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cc/services/routing_plan.hpp"

namespace cc::services {

enum class QueueStrategy { longest_idle, least_busy, round_robin, fewest_today, ring_all };
enum class OfflineAction { keep, requeue, transfer };

std::string_view to_string(QueueStrategy strategy);
std::optional<QueueStrategy> parse_queue_strategy(std::string_view text);
std::string_view to_string(OfflineAction action);
std::optional<OfflineAction> parse_offline_action(std::string_view text);

inline constexpr std::size_t kChannelCount = 6;  // domain::Channel values
inline std::size_t channel_index(domain::Channel channel) { return static_cast<std::size_t>(channel); }

struct QueueSettings {
  domain::Id id = 0;
  std::string key;
  std::string name;
  QueueStrategy strategy = QueueStrategy::longest_idle;
  int offer_timeout_seconds = 0;  // 0: direct assignment
  int wrap_up_seconds = 0;
  OfflineAction offline_action = OfflineAction::keep;
  int offline_grace_seconds = 120;
  std::string transfer_queue;
  std::vector<domain::Id> members;  // empty: every agent
  domain::Id round_robin_last = 0;
};

struct AgentSnapshot {
  domain::Id id = 0;
  std::string name;
  bool active = true;
  bool is_agent_role = true;
  domain::AgentStatus status = domain::AgentStatus::offline;
  std::map<std::string, int> skills;   // skill -> level 1..10
  std::vector<std::string> languages;  // empty: any
  std::array<int, kChannelCount> capacity{};
  std::array<int, kChannelCount> load{};  // open + wrap-up + pending offers, per channel
  domain::TimePoint idle_since{};         // last assignment or coming online
  int assigned_today = 0;
};

// Priority aging: +bump for every full `every` waited, never above max (unless the priority
// started above it). A workflow's `priority_aging` overrides the engine's default (+1 a minute).
struct TaskAging {
  std::chrono::seconds every{0};  // 0: no aging
  int bump = 1;
  int max = 1000000;
};

struct TaskSnapshot {
  domain::Id conversation_id = 0;
  RoutingPlan plan;  // channel, steps, entered_at, language
  std::optional<domain::Id> last_missed_agent;  // not offered to the same agent right again
  std::optional<TaskAging> aging;  // the task's workflow's aging; nullopt: MatchOptions::aging
};

// The step a task is in at `now` (timeouts count from entered_at), with its queue and priority
// resolved. exhausted: every step timed out; the plan's exhausted_queue applies, no skills.
struct ActiveStep {
  std::size_t index = 0;
  bool exhausted = false;
  RoutingStep step;  // queue never empty here
  int priority = 0;
};
ActiveStep active_step(const RoutingPlan& plan, domain::TimePoint now);
// Priority aging: +1 per `aging` waited (0 = off), so nothing starves.
int effective_priority(int priority, domain::TimePoint entered_at, domain::TimePoint now,
                       std::chrono::seconds aging);
int effective_priority(int priority, domain::TimePoint entered_at, domain::TimePoint now,
                       const TaskAging& aging);

// Can `agent` take a task of `channel` under `step` in `queue` right now? reason is empty when
// eligible, else a short English phrase ("offline", "missing skill refund", "at webchat
// capacity 5/5", "not a member of queue vip", "on a voice call", "does not speak zh").
CandidateVerdict candidate_verdict(const AgentSnapshot& agent, const QueueSettings* queue,
                                   const RoutingStep& step, domain::Channel channel,
                                   const std::string& language);

struct Match {
  domain::Id conversation_id = 0;
  std::vector<domain::Id> agents;  // one for direct assignment / offer; several for ring_all offers
  std::string queue;
  std::size_t step_index = 0;
  bool offer = false;  // true: offer with the queue's timeout; false: assign now
  int offer_timeout_seconds = 0;
};

struct MatchResult {
  std::vector<Match> matches;
  std::map<std::string, domain::Id> round_robin_last;  // queue key -> new cursor
  // Agents whose counters changed (load, idle_since, assigned_today), for tests and figures.
  std::size_t agents_considered = 0;
};

struct MatchOptions {
  domain::TimePoint now{};
  std::chrono::seconds aging{60};
  std::size_t ring_all_limit = 20;
};

// Tasks are taken in order of effective priority (higher first), then entered_at (older
// first); a task nobody can take does not hold up the ones behind it. Agents' loads in the
// snapshot are updated as tasks are matched, so no agent ends over capacity.
MatchResult match_tasks(std::vector<TaskSnapshot> tasks, std::vector<AgentSnapshot>& agents,
                        const std::map<std::string, QueueSettings>& queues,
                        const MatchOptions& options);

}  // namespace cc::services
