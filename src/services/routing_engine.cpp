// RoutingEngine::route: facts -> rule -> actions -> plan.
#include "cc/services/routing_engine.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

#include "cc/routing/unicode.hpp"
#include "cc/services/bot_service.hpp"

namespace cc::services {
namespace {

// Cuts at a code-point boundary at or before `max` bytes.
std::string_view prefix_of(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::string reply_for(const std::map<std::string, std::string>& replies, const std::string& language) {
  if (auto it = replies.find(language); it != replies.end()) return it->second;
  if (auto it = replies.find("*"); it != replies.end()) return it->second;
  return replies.empty() ? std::string() : replies.begin()->second;
}

}  // namespace

RoutingEngine::RoutingEngine(RoutingEngineDeps deps) : deps_(std::move(deps)) {}

domain::TimePoint RoutingEngine::now() const {
  return deps_.clock ? deps_.clock() : std::chrono::system_clock::now();
}

TaskContext RoutingEngine::classify(std::string_view text, std::string channel) const {
  TaskContext task;
  task.channel = std::move(channel);
  task.text = std::string(prefix_of(text, kMaxClassifiedTextBytes));
  const auto intent = deps_.intents.classify(task.text, 3);
  task.intent = intent.intent;
  task.intent_confidence = intent.confidence;
  if (deps_.sentiment) {
    const auto sentiment = deps_.sentiment->analyze(task.text);
    task.sentiment = std::string(routing::to_string(sentiment.label));
    task.sentiment_score = sentiment.score;
    task.escalate = sentiment.escalate;
  }
  task.language = detect_language(task.text);
  return task;
}

boost::asio::awaitable<void> RoutingEngine::run_actions(const WorkflowActions& actions,
                                                        const IngestResult& result,
                                                        const TaskContext& task, const std::string& rule) {
  const auto conversation = result.conversation.id;
  // Actions that talk to the customer or open tickets run once, on the conversation's first message.
  if (!result.conversation_created) co_return;
  if (!actions.auto_reply.empty()) {
    auto text = reply_for(actions.auto_reply, task.language.empty() ? task.customer.language : task.language);
    if (!text.empty() && deps_.send_automated) {
      auto sent = co_await deps_.send_automated(conversation, std::move(text));
      if (!sent) spdlog::warn("routing: auto-reply to conversation {} failed: {}", conversation, sent.error().detail);
    }
  }
  if (actions.create_ticket) {
    NewTicket ticket;
    ticket.subject = std::string(prefix_of(task.text, 120));
    ticket.description = task.text;
    ticket.type = actions.create_ticket->type;
    ticket.priority = actions.create_ticket->priority;
    ticket.requester_id = result.conversation.customer_id;
    ticket.conversation_id = conversation;
    ticket.source = "routing";
    auto created = co_await deps_.tickets.create_ticket(std::move(ticket));
    if (!created) spdlog::warn("routing: ticket for conversation {} failed: {}", conversation, created.error().detail);
  }
  if (!actions.tags.empty()) {
    if (deps_.bot) {
      auto tagged = co_await deps_.bot->store().tag(conversation, result.conversation.customer_id, actions.tags);
      if (!tagged) spdlog::warn("routing: tags for conversation {} failed: {}", conversation, tagged.error().detail);
    } else {
      spdlog::info("routing: conversation {} tags={} (no store)", conversation, actions.tags.size());
    }
  }
  if (actions.notify_supervisor) {
    if (deps_.notify_supervisor) {
      co_await deps_.notify_supervisor(conversation, rule, "rule");
    } else {
      spdlog::info("routing: conversation {} notify_supervisor by rule {} (no notifier)", conversation, rule);
    }
  }
}

boost::asio::awaitable<RoutingDecision> RoutingEngine::block(const IngestResult& result, const std::string& why) {
  spdlog::info("routing: conversation {} blocked as spam ({})", result.conversation.id, why);
  if (deps_.bot) {
    auto blocked = co_await deps_.bot->store().block_spam(result.conversation.id, result.conversation.customer_id);
    if (!blocked) spdlog::warn("routing: spam block of conversation {} failed: {}", result.conversation.id,
                               blocked.error().detail);
  }
  RoutingDecision decision;
  decision.kind = RoutingDecision::Kind::blocked;
  co_return decision;
}

boost::asio::awaitable<RoutingDecision> RoutingEngine::route(const IngestResult& result) {
  RoutingDecision decision;
  if (result.duplicate || !result.routable || result.conversation.assignee_id) co_return decision;
  const auto at = now();
  auto task = classify(result.message.content, std::string(domain::to_string(result.conversation.channel)));
  task.channel_account = std::to_string(result.conversation.channel_account_id);
  auto lookup = co_await deps_.context.lookup(result.conversation.customer_id, result.conversation.id);
  if (lookup) {
    task.customer = std::move(lookup->customer);
    task.message_count = lookup->message_count;
  } else {
    task.customer.id = result.conversation.customer_id;  // route on what we know
  }
  // A customer blocked as spam stays blocked (an admin removes the tag to lift it).
  if (std::find(task.customer.tags.begin(), task.customer.tags.end(), "spam") != task.customer.tags.end()) {
    const std::string why = "customer tagged spam";
    co_return co_await block(result, why);
  }
  const auto workflow = deps_.workflows.active();
  const TaskFacts facts(task, deps_.queue_stats, *workflow, at);
  const auto choice = choose_rule(*workflow, facts, at);
  const auto& rule = *choice.rule;
  spdlog::debug("routing: conversation {} intent {} rule {} (version {})", result.conversation.id,
                task.intent, rule.name, workflow->version);

  if (rule.actions.block) {
    const std::string why = "rule " + rule.name;
    co_return co_await block(result, why);
  }
  co_await run_actions(rule.actions, result, task, rule.name);
  if (rule.actions.bot_first && !choice.outside_hours) {
    auto answered = co_await bot_turn(result, task);
    if (answered) co_return std::move(*answered);
  }

  PlanInput input{result.conversation.id, result.conversation.channel, task.language,
                  task.customer.last_agent_id, result.conversation.created_at};
  if (input.entered_at == domain::TimePoint{}) input.entered_at = at;
  if (choice.outside_hours) {
    const auto& outside = *workflow->outside_hours;
    if (!outside.message.empty() && result.conversation_created && deps_.send_automated) {
      auto sent = co_await deps_.send_automated(result.conversation.id, outside.message);
      if (!sent) spdlog::warn("routing: outside-hours notice failed: {}", sent.error().detail);
    }
    if (outside.action != OutsideHours::Action::queue) {
      if (outside.action == OutsideHours::Action::ticket && result.conversation_created) {
        WorkflowActions ticket_only;
        ticket_only.create_ticket = TicketAction{};
        co_await run_actions(ticket_only, result, task, rule.name);
      }
      if (outside.action == OutsideHours::Action::close && deps_.close_conversation) {
        auto closed = co_await deps_.close_conversation(result.conversation.id);
        if (!closed) spdlog::warn("routing: outside-hours close failed: {}", closed.error().detail);
      }
      co_return decision;  // ignored: left for business hours (ticket) or answered and closed
    }
    if (!outside.queue.empty()) {
      WorkflowRule queue_rule;
      queue_rule.name = rule.name;
      WorkflowStep step;
      step.step.queue = outside.queue;
      queue_rule.steps.push_back(step);
      decision.plan = build_plan(*workflow, queue_rule, facts, input);
    }
  }
  if (!decision.plan) decision.plan = build_plan(*workflow, rule, facts, input);
  if (!decision.plan) {
    if (rule.actions.create_ticket) co_return decision;  // the ticket is the outcome
    // Every step was skipped: the exhausted queue takes it.
    WorkflowRule fallback;
    fallback.name = rule.name;
    fallback.steps.push_back(WorkflowStep{});
    decision.plan = build_plan(*workflow, fallback, facts, input);
  }
  // Priority aging happens while the task waits: the assignment engine applies aged_priority()
  // with the active workflow's `aging` (RoutingPlan has no field for it).
  if (decision.plan) decision.kind = RoutingDecision::Kind::queue;
  co_return decision;
}

void RoutingEngine::start(boost::asio::any_io_executor executor) {
  if (poll_) return;
  auto* self = this;
  poll_ = std::make_unique<PollingLoop>(
      std::move(executor), "routing refresh",
      [self]() -> boost::asio::awaitable<int> {
        co_await self->deps_.workflows.refresh();
        co_await self->deps_.intents.reload_if_notified();
        if (self->deps_.bot) co_await self->deps_.bot->refresh();  // FAQ / sensitive words of other instances
        co_return 0;
      },
      1, std::chrono::milliseconds(1000));
  poll_->start();
}

void RoutingEngine::stop() {
  if (poll_) poll_->stop();
}

}  // namespace cc::services
