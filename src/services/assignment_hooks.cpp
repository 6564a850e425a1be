#include "cc/services/assignment_hooks.hpp"

#include "cc/async/log.hpp"

namespace cc::services {
namespace {

auto logger() { return async::module_logger("assignment"); }

std::string ticket_notice(const RoutingPlan& plan, domain::Id ticket_id) {
  if (!plan.close_message.empty()) return plan.close_message;
  if (plan.language == "zh") {
    return "目前没有客服可以接待您，我们已为您创建工单 #" + std::to_string(ticket_id) + "，会尽快回复您。";
  }
  return "No agent is free right now, so we opened ticket #" + std::to_string(ticket_id) +
         " for you; we will get back to you soon.";
}

}  // namespace

boost::asio::awaitable<void> ConversationNotifier::tell(domain::Id conversation_id, std::string text) {
  auto sent = co_await conversations_.send_automated(conversation_id, "system", std::move(text));
  if (!sent) {
    logger()->warn("notice to conversation {} failed: {}", conversation_id, sent.error().detail);
  }
}

boost::asio::awaitable<void> ExhaustedTaskCloser::handle(ExhaustedTask task) {
  const auto id = task.conversation_id;
  std::string notice = task.plan.close_message;
  if (task.plan.when_exhausted == RoutingPlan::WhenExhausted::ticket) {
    NewTicket ticket;
    ticket.subject = "Conversation " + std::to_string(id) + " waited for an agent";
    ticket.description = "No agent took this conversation before the routing steps of rule '" + task.plan.rule +
                         "' ran out; the workflow turns such conversations into tickets.";
    ticket.requester_id = task.customer_id;
    ticket.conversation_id = id;
    ticket.source = "routing";
    auto created = co_await tickets_.create_ticket(std::move(ticket));
    if (!created) {
      logger()->warn("ticket for exhausted conversation {} failed: {}", id, created.error().detail);
      co_return;
    }
    logger()->info("conversation {} ran out of routing steps: ticket {}", id, *created);
    notice = ticket_notice(task.plan, *created);
  } else {
    logger()->info("conversation {} ran out of routing steps: closed", id);
  }
  if (!notice.empty()) {
    auto sent = co_await conversations_.send_automated(id, "system", std::move(notice));
    if (!sent) logger()->warn("closing notice to conversation {} failed: {}", id, sent.error().detail);
  }
  const domain::Principal system{0, domain::Role::admin, {}};
  auto closed = co_await conversations_.close(system, id);
  if (!closed) logger()->warn("closing exhausted conversation {} failed: {}", id, closed.error().detail);
}

void AssignmentWakeSink::publish(DomainEvent event) {
  if (event.type == "conversation.closed") assignment_.wake();
}

}  // namespace cc::services
