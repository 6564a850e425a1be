#include "cc/services/assignment_matcher.hpp"

#include <algorithm>
#include <numeric>

namespace cc::services {
namespace {

constexpr std::array<std::string_view, 5> kStrategyNames{"longest_idle", "least_busy", "round_robin",
                                                         "fewest_today", "ring_all"};
constexpr std::array<std::string_view, 3> kOfflineNames{"keep", "requeue", "transfer"};

bool is_member(const QueueSettings* queue, domain::Id agent) {
  if (!queue || queue->members.empty()) return true;
  return std::find(queue->members.begin(), queue->members.end(), agent) != queue->members.end();
}

bool speaks(const AgentSnapshot& agent, const std::string& language) {
  if (language.empty() || agent.languages.empty()) return true;
  return std::find(agent.languages.begin(), agent.languages.end(), language) != agent.languages.end();
}

int total_load(const AgentSnapshot& agent) {
  return std::accumulate(agent.load.begin(), agent.load.end(), 0);
}

// The fast form of candidate_verdict, for the matching loop: no strings built.
bool eligible(const AgentSnapshot& agent, const QueueSettings* queue, const RoutingStep& step,
              domain::Channel channel, const std::string& language) {
  const auto c = channel_index(channel);
  if (!agent.active || !agent.is_agent_role || agent.status != domain::AgentStatus::online) return false;
  if (step.agent_id && *step.agent_id != agent.id) return false;
  if (!is_member(queue, agent.id)) return false;
  if (agent.load[c] >= agent.capacity[c]) return false;
  if (channel != domain::Channel::voice && agent.load[channel_index(domain::Channel::voice)] > 0) {
    return false;
  }
  for (const auto& skill : step.skills) {
    if (!agent.skills.contains(skill)) return false;
  }
  return speaks(agent, language);
}

// Lower is better.
auto strategy_key(QueueStrategy strategy, const AgentSnapshot& agent) {
  const auto idle = agent.idle_since.time_since_epoch().count();
  switch (strategy) {
    case QueueStrategy::least_busy:
      return std::tuple<long long, long long, domain::Id>(total_load(agent), idle, agent.id);
    case QueueStrategy::fewest_today:
      return std::tuple<long long, long long, domain::Id>(agent.assigned_today, idle, agent.id);
    default:
      return std::tuple<long long, long long, domain::Id>(idle, total_load(agent), agent.id);
  }
}

}  // namespace

std::string_view to_string(QueueStrategy strategy) { return kStrategyNames[static_cast<std::size_t>(strategy)]; }
std::optional<QueueStrategy> parse_queue_strategy(std::string_view text) {
  for (std::size_t i = 0; i < kStrategyNames.size(); ++i) {
    if (kStrategyNames[i] == text) return static_cast<QueueStrategy>(i);
  }
  return std::nullopt;
}
std::string_view to_string(OfflineAction action) { return kOfflineNames[static_cast<std::size_t>(action)]; }
std::optional<OfflineAction> parse_offline_action(std::string_view text) {
  for (std::size_t i = 0; i < kOfflineNames.size(); ++i) {
    if (kOfflineNames[i] == text) return static_cast<OfflineAction>(i);
  }
  return std::nullopt;
}

ActiveStep active_step(const RoutingPlan& plan, domain::TimePoint now) {
  ActiveStep active;
  std::string queue = plan.exhausted_queue.empty() ? "default" : plan.exhausted_queue;
  int priority = 0;
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const auto& step = plan.steps[i];
    if (!step.queue.empty()) queue = step.queue;
    priority = std::clamp(step.priority.value_or(priority) + step.priority_bump, 0, 1000);
    const bool timed_out = step.timeout.count() > 0 && now >= plan.entered_at + step.timeout;
    if (!timed_out) {
      active.index = i;
      active.step = step;
      active.step.queue = queue;
      active.priority = priority;
      return active;
    }
  }
  active.index = plan.steps.size();
  active.exhausted = true;
  active.step.queue = plan.exhausted_queue.empty() ? "default" : plan.exhausted_queue;
  active.priority = priority;
  return active;
}

int effective_priority(int priority, domain::TimePoint entered_at, domain::TimePoint now,
                       std::chrono::seconds aging) {
  if (aging.count() <= 0 || now <= entered_at) return priority;
  const auto waited = std::chrono::duration_cast<std::chrono::seconds>(now - entered_at);
  return priority + static_cast<int>(waited / aging);
}

int effective_priority(int priority, domain::TimePoint entered_at, domain::TimePoint now,
                       const TaskAging& aging) {
  if (aging.every.count() <= 0 || aging.bump <= 0 || now <= entered_at) return priority;
  const auto periods = std::chrono::duration_cast<std::chrono::seconds>(now - entered_at) / aging.every;
  const long long aged = static_cast<long long>(priority) + static_cast<long long>(periods) * aging.bump;
  return static_cast<int>(std::min<long long>(std::max(priority, aging.max), aged));
}

CandidateVerdict candidate_verdict(const AgentSnapshot& agent, const QueueSettings* queue,
                                   const RoutingStep& step, domain::Channel channel,
                                   const std::string& language) {
  CandidateVerdict verdict{agent.id, agent.name, false, {}};
  const auto c = channel_index(channel);
  const std::string channel_name(domain::to_string(channel));
  if (!agent.active) {
    verdict.reason = "deactivated";
  } else if (!agent.is_agent_role) {
    verdict.reason = "not of role agent";
  } else if (agent.status != domain::AgentStatus::online) {
    verdict.reason = std::string(domain::to_string(agent.status));
  } else if (step.agent_id && *step.agent_id != agent.id) {
    verdict.reason = "not the requested agent";
  } else if (!is_member(queue, agent.id)) {
    verdict.reason = "not a member of queue " + (queue ? queue->key : step.queue);
  } else if (channel != domain::Channel::voice &&
             agent.load[channel_index(domain::Channel::voice)] > 0) {
    verdict.reason = "on a voice call";
  } else if (agent.load[c] >= agent.capacity[c]) {
    verdict.reason = "at " + channel_name + " capacity " + std::to_string(agent.load[c]) + "/" +
                     std::to_string(agent.capacity[c]);
  } else {
    for (const auto& skill : step.skills) {
      if (!agent.skills.contains(skill)) {
        verdict.reason = "missing skill " + skill;
        return verdict;
      }
    }
    if (!speaks(agent, language)) {
      verdict.reason = "does not speak " + language;
      return verdict;
    }
    verdict.eligible = true;
  }
  return verdict;
}

MatchResult match_tasks(std::vector<TaskSnapshot> tasks, std::vector<AgentSnapshot>& agents,
                        const std::map<std::string, QueueSettings>& queues,
                        const MatchOptions& options) {
  struct Ordered {
    std::size_t task;
    ActiveStep step;
    int priority;
  };
  std::vector<Ordered> order;
  order.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    auto step = active_step(tasks[i].plan, options.now);
    const auto& task = tasks[i];
    const auto priority = task.aging
                              ? effective_priority(step.priority, task.plan.entered_at, options.now, *task.aging)
                              : effective_priority(step.priority, task.plan.entered_at, options.now, options.aging);
    order.push_back({i, std::move(step), priority});
  }
  std::stable_sort(order.begin(), order.end(), [&](const Ordered& a, const Ordered& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    const auto& pa = tasks[a.task].plan;
    const auto& pb = tasks[b.task].plan;
    if (pa.entered_at != pb.entered_at) return pa.entered_at < pb.entered_at;
    return pa.conversation_id < pb.conversation_id;
  });

  MatchResult result;
  result.agents_considered = agents.size();
  // Agents that can still take anything at all; shrinks as they fill up.
  std::vector<std::size_t> open_agents;
  for (std::size_t i = 0; i < agents.size(); ++i) {
    const auto& a = agents[i];
    if (a.active && a.is_agent_role && a.status == domain::AgentStatus::online) open_agents.push_back(i);
  }
  std::map<std::string, domain::Id> cursor;
  for (const auto& [key, queue] : queues) cursor[key] = queue.round_robin_last;

  for (const auto& item : order) {
    if (open_agents.empty()) break;
    const auto& task = tasks[item.task];
    // Steps ran out and the plan ends in a ticket or a closing message: the timer pass's
    // claim_exhausted takes it, no agent does.
    if (item.step.exhausted && task.plan.when_exhausted != RoutingPlan::WhenExhausted::default_queue) continue;
    const auto channel = task.plan.channel;
    const auto queue_it = queues.find(item.step.step.queue);
    if (queue_it == queues.end()) continue;  // unknown queue: waits until an admin creates it
    const auto& queue = queue_it->second;
    std::vector<std::size_t> fit;
    for (const auto index : open_agents) {
      const auto& agent = agents[index];
      if (task.last_missed_agent && *task.last_missed_agent == agent.id) continue;
      if (eligible(agent, &queue, item.step.step, channel, task.plan.language)) fit.push_back(index);
    }
    if (fit.empty()) continue;
    const bool offer = queue.offer_timeout_seconds > 0;
    Match match{task.plan.conversation_id, {}, queue.key, item.step.index, offer, queue.offer_timeout_seconds};
    if (queue.strategy == QueueStrategy::ring_all && offer) {
      std::sort(fit.begin(), fit.end(), [&](auto a, auto b) {
        return strategy_key(QueueStrategy::longest_idle, agents[a]) <
               strategy_key(QueueStrategy::longest_idle, agents[b]);
      });
      if (fit.size() > options.ring_all_limit) fit.resize(options.ring_all_limit);
    } else if (queue.strategy == QueueStrategy::round_robin) {
      auto& last = cursor[queue.key];
      std::size_t best = fit.front();
      std::optional<std::size_t> after;
      for (const auto index : fit) {
        if (agents[index].id < agents[best].id) best = index;
        if (agents[index].id > last && (!after || agents[index].id < agents[*after].id)) after = index;
      }
      fit = {after.value_or(best)};
      last = agents[fit.front()].id;
    } else {
      const auto strategy = queue.strategy == QueueStrategy::ring_all ? QueueStrategy::longest_idle : queue.strategy;
      fit = {*std::min_element(fit.begin(), fit.end(), [&](auto a, auto b) {
        return strategy_key(strategy, agents[a]) < strategy_key(strategy, agents[b]);
      })};
    }
    for (const auto index : fit) {
      auto& agent = agents[index];
      ++agent.load[channel_index(channel)];
      if (!offer) {
        agent.idle_since = options.now;
        ++agent.assigned_today;
      }
      match.agents.push_back(agent.id);
    }
    result.matches.push_back(std::move(match));
    std::erase_if(open_agents, [&](std::size_t index) {
      const auto& a = agents[index];
      for (std::size_t c = 0; c < kChannelCount; ++c) {
        if (a.load[c] < a.capacity[c]) return false;
      }
      return true;
    });
  }
  for (const auto& [key, queue] : queues) {
    if (cursor[key] != queue.round_robin_last) result.round_robin_last[key] = cursor[key];
  }
  return result;
}

}  // namespace cc::services
