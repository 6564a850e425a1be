#include "cc/services/assignment_service.hpp"

#include "cc/async/log.hpp"
#include "cc/domain/time_format.hpp"
#include "cc/services/json_views.hpp"

namespace cc::services {
namespace {

auto logger() { return async::module_logger("assignment"); }

}  // namespace

AssignmentService::AssignmentService(boost::asio::any_io_executor executor, AssignmentStore& store,
                                     AgentRepository& agents, EventDispatcher& events,
                                     AssignmentOptions options, Clock clock)
    : store_(store),
      agents_(agents),
      events_(events),
      options_(std::move(options)),
      clock_(std::move(clock)),
      loop_(std::move(executor), "assignment", [this] { return run_pass(); },
            static_cast<int>(options_.batch), options_.poll) {}

void AssignmentService::start() { loop_.start(); }
void AssignmentService::stop() { loop_.stop(); }
void AssignmentService::wake() { loop_.wake(); }

boost::asio::awaitable<Status> AssignmentService::enqueue(RoutingPlan plan) {
  std::vector<RoutingPlan> plans;
  plans.push_back(std::move(plan));
  auto stored = co_await store_.enqueue(std::move(plans));
  if (!stored) co_return stored.error();
  co_await assign_waiting();
  co_return Ok{};
}

boost::asio::awaitable<std::vector<domain::Conversation>> AssignmentService::enqueue_and_assign(
    std::vector<RoutingPlan> plans) {
  std::vector<domain::Conversation> assigned;
  if (plans.empty()) co_return assigned;
  auto stored = co_await store_.enqueue(std::move(plans));
  if (!stored) {
    logger()->warn("queueing a batch failed: {}", stored.error().detail);
    co_return assigned;
  }
  auto round = round_options();
  auto result = co_await store_.run_round(std::move(round));
  if (!result) {
    logger()->warn("assignment round failed: {}", result.error().detail);
    co_return assigned;
  }
  assigned = result->assigned;
  co_await publish_round(std::move(result).value());
  co_return assigned;
}

std::string position_notice_text(int position, std::optional<std::chrono::minutes> expected_wait,
                                 const std::string& language) {
  const auto n = std::to_string(position);
  if (language == "zh") {
    if (expected_wait) return "您目前排在第" + n + "位，预计等待约" + std::to_string(expected_wait->count()) + "分钟。";
    return "您目前排在第" + n + "位，客服将尽快为您服务。";
  }
  if (expected_wait) {
    const auto minutes = expected_wait->count();
    return "You are number " + n + " in the queue; the expected wait is about " + std::to_string(minutes) +
           (minutes == 1 ? " minute." : " minutes.");
  }
  return "You are number " + n + " in the queue; an agent will be with you shortly.";
}

RoundOptions AssignmentService::round_options() {
  RoundOptions round{clock_(), options_.batch, options_.aging, {}};
  std::lock_guard lock(aging_mutex_);
  round.workflow_aging = workflow_aging_;
  return round;
}

boost::asio::awaitable<int> AssignmentService::publish_round(RoundResult round) {
  std::vector<AgentEvent> events;
  events.reserve(round.assigned.size() + round.offers.size());
  for (const auto& conversation : round.assigned) {
    const nlohmann::json data{{"conversation", to_json(conversation)}};
    events.push_back(make_event(*conversation.assignee_id, "conversation.assigned", data));
    events_.publish("conversation.assigned", data, conversation.id);
  }
  for (const auto& offer : round.offers) {
    const nlohmann::json data{{"offer_id", id_text(offer.offer_id)},
                              {"conversation_id", id_text(offer.conversation_id)},
                              {"expires_at", domain::format_time(offer.expires_at)}};
    events.push_back(make_event(offer.agent_id, "offer.created", data));
  }
  co_await events_.emit(std::move(events));
  co_return static_cast<int>(round.assigned.size() + round.offers.size());
}

boost::asio::awaitable<int> AssignmentService::assign_waiting() {
  int total = 0;
  for (int rounds = 0; rounds < 100; ++rounds) {
    auto round = round_options();
    auto result = co_await store_.run_round(std::move(round));
    if (!result) {
      logger()->warn("assignment round failed: {}", result.error().detail);
      break;
    }
    const auto considered = result->tasks_considered;
    const auto handled = co_await publish_round(std::move(result).value());
    total += handled;
    // A full batch with progress may hide more; otherwise nobody free is left for the rest.
    if (handled == 0 || considered < options_.batch) break;
  }
  co_return total;
}

boost::asio::awaitable<void> AssignmentService::tell_supervisors(std::string type, nlohmann::json data) {
  auto supervisors = co_await agents_.online_supervisor_ids();
  if (!supervisors) co_return;
  std::vector<AgentEvent> events;
  for (const auto id : *supervisors) events.push_back(make_event(id, type, data));
  co_await events_.emit(std::move(events));
}

boost::asio::awaitable<int> AssignmentService::run_pass() {
  const auto now = clock_();
  if (auto expired = co_await store_.expire_offers(now, options_.max_missed_offers)) {
    for (const auto agent_id : expired->agents_set_away) {
      logger()->info("agent {} set away after {} missed offers", agent_id, options_.max_missed_offers);
      const nlohmann::json data{{"agent_id", id_text(agent_id)}, {"status", "away"},
                                {"reason", "missed_offers"}};
      std::vector<AgentEvent> own{make_event(agent_id, "agent.status", data)};
      co_await events_.emit(std::move(own));
      co_await tell_supervisors("agent.status", data);
    }
  } else {
    logger()->warn("offer expiry failed: {}", expired.error().detail);
  }
  if (auto released = co_await store_.release_offline_agents(now, 200)) {
    for (const auto& outcome : *released) {
      const nlohmann::json data{{"conversation_id", id_text(outcome.conversation_id)},
                                {"agent_id", id_text(outcome.former_agent_id)},
                                {"action", to_string(outcome.action)},
                                {"queue", outcome.queue}};
      std::vector<AgentEvent> own{make_event(outcome.former_agent_id, "conversation.unassigned", data)};
      co_await events_.emit(std::move(own));
      if (notifier_) {
        co_await notifier_->tell(outcome.conversation_id,
                                 "Your agent is no longer available; the next free agent will "
                                 "continue with you.");
      }
    }
  } else {
    logger()->warn("releasing offline agents failed: {}", released.error().detail);
  }
  if (aging_source_) {
    if (auto active = aging_source_()) {
      std::lock_guard lock(aging_mutex_);
      workflow_aging_[active->first] = active->second;
    }
  }
  co_await end_exhausted(now);
  const auto handled = co_await assign_waiting();
  if (auto loads = co_await store_.queue_loads(options_.rate_window)) {
    queue_stats_.update(*loads, now, options_.rate_window);
  } else {
    logger()->warn("reading queue figures failed: {}", loads.error().detail);
  }
  co_await tell_positions(now);
  co_return handled;
}

boost::asio::awaitable<void> AssignmentService::end_exhausted(domain::TimePoint now) {
  if (!exhausted_) co_return;
  auto claimed = co_await store_.claim_exhausted(now, options_.exhausted_batch);
  if (!claimed) {
    logger()->warn("claiming exhausted tasks failed: {}", claimed.error().detail);
    co_return;
  }
  for (auto& task : *claimed) co_await exhausted_->handle(std::move(task));
}

boost::asio::awaitable<void> AssignmentService::tell_positions(domain::TimePoint now) {
  if (!notifier_ || options_.position_channels.empty() || options_.position_interval.count() <= 0) co_return;
  auto notices = co_await store_.due_position_notices(now, options_.position_interval,
                                                      options_.position_channels, 200);
  if (!notices) co_return;
  for (const auto& notice : *notices) {
    const auto wait = queue_stats_.expected_wait(notice.queue, notice.position);
    co_await notifier_->tell(notice.conversation_id, position_notice_text(notice.position, wait, notice.language));
  }
}

boost::asio::awaitable<Result<domain::Conversation>> AssignmentService::accept_offer(
    domain::Id offer_id, domain::Id agent_id) {
  auto conversation = co_await store_.accept_offer(offer_id, agent_id, clock_());
  if (!conversation) co_return conversation;
  const nlohmann::json data{{"conversation", to_json(*conversation)}};
  std::vector<AgentEvent> events{make_event(agent_id, "conversation.assigned", data)};
  co_await events_.emit(std::move(events));
  events_.publish("conversation.assigned", data, conversation->id);
  co_return conversation;
}

boost::asio::awaitable<Status> AssignmentService::decline_offer(domain::Id offer_id, domain::Id agent_id) {
  auto declined = co_await store_.decline_offer(offer_id, agent_id);
  if (declined) wake();
  co_return declined;
}

boost::asio::awaitable<Result<std::vector<CandidateVerdict>>> AssignmentService::candidates(
    RoutingStep step, domain::Channel channel) {
  auto agents = co_await store_.agent_snapshots();
  if (!agents) co_return agents.error();
  if (step.queue.empty()) step.queue = "default";
  auto queue = co_await store_.get_queue(step.queue);
  const QueueSettings* settings = queue ? &*queue : nullptr;
  std::vector<CandidateVerdict> verdicts;
  verdicts.reserve(agents->size());
  for (const auto& agent : *agents) {
    auto verdict = candidate_verdict(agent, settings, step, channel, "");
    if (!settings && verdict.eligible) {
      verdict.eligible = false;
      verdict.reason = "queue " + step.queue + " does not exist";
    }
    verdicts.push_back(std::move(verdict));
  }
  co_return verdicts;
}

}  // namespace cc::services
