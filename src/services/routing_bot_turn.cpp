// RoutingEngine::bot_turn: the FAQ bot answers a conversation whose rule says bot_first, until a
// hand-off trigger fires (the customer asks for a human, too many unanswered messages, negative
// sentiment, a VIP). The state (turns, hand-off) lives in PostgreSQL, so it survives restarts
// and every instance sees the same count.
#include <algorithm>
#include <spdlog/spdlog.h>

#include "cc/services/bot_service.hpp"
#include "cc/services/routing_engine.hpp"

namespace cc::services {
namespace {

std::string pick(std::string_view language, const char* zh, const char* en) {
  return std::string(language == "en" ? en : zh);
}

}  // namespace

boost::asio::awaitable<std::optional<RoutingDecision>> RoutingEngine::bot_turn(const IngestResult& result,
                                                                               TaskContext& task) {
  if (!deps_.bot || !deps_.send_bot) co_return std::nullopt;
  auto& bot = *deps_.bot;
  const auto conversation = result.conversation.id;
  auto loaded = co_await bot.store().bot_state(conversation);
  if (!loaded) {
    spdlog::warn("bot: state of conversation {} unavailable ({}): handing off", conversation, loaded.error().detail);
    co_return std::nullopt;
  }
  auto state = std::move(*loaded);
  if (state.handed_off) co_return std::nullopt;
  task.bot_turns = state.turns;
  const std::string language =
      !task.language.empty() ? task.language : (task.customer.language.empty() ? "zh" : task.customer.language);

  BotTurn turn;
  turn.text = task.text;
  turn.unresolved_turns = state.unresolved;
  turn.sentiment_score = task.sentiment_score;
  turn.escalate = task.escalate;
  const auto& tags = task.customer.tags;
  turn.customer_tier =
      std::find(tags.begin(), tags.end(), "vip") != tags.end() ? std::string("vip") : task.customer.tier;
  auto reason = handoff_reason(turn, bot.normalizer(), bot.options().max_unresolved_turns);

  std::string reply;
  if (reason == HandoffReason::none) {
    if (auto answer = bot.answer(task.text, language)) {
      task.bot_confidence = answer->confidence;
      reply = std::move(answer->answer);
    } else {
      ++state.unresolved;
      if (state.unresolved >= bot.options().max_unresolved_turns) {
        reason = HandoffReason::too_many_turns;
      } else {
        reply = pick(language, "抱歉，我没有理解您的问题。请换个说法，或回复“人工”转接客服。",
                     "Sorry, I did not understand. Please rephrase, or type \"human\" to talk to an agent.");
      }
    }
  }
  if (reason != HandoffReason::none) {
    state.handed_off = true;
    state.handoff_reason = std::string(to_string(reason));
    reply = pick(language, "正在为您转接人工客服，请稍候。", "Connecting you to an agent, please wait.");
    spdlog::info("bot: conversation {} handed off ({}) after {} turns", conversation, state.handoff_reason,
                 state.turns);
  } else {
    ++state.turns;
  }
  auto saved = co_await bot.store().save_bot_state(conversation, state);
  if (!saved) spdlog::warn("bot: saving state of conversation {} failed: {}", conversation, saved.error().detail);
  auto sent = co_await deps_.send_bot(conversation, std::move(reply));
  if (!sent) {
    // A bot that cannot speak hands the customer to a person rather than leave them waiting.
    spdlog::warn("bot: reply to conversation {} failed: {}", conversation, sent.error().detail);
    co_return std::nullopt;
  }
  if (state.handed_off) co_return std::nullopt;
  RoutingDecision decision;
  decision.kind = RoutingDecision::Kind::bot_answered;
  co_return decision;
}

}  // namespace cc::services
