// BotService: the FAQ index and sensitive-word matcher built from the stored lists, rebuilt when
// their revision moves; FAQ search for the bot and agents; masking and compliance flags.
#include "cc/services/bot_service.hpp"

#include "cc/services/agent_text_filter.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

namespace cc::services {
namespace {

std::string answer_in(const std::map<std::string, std::string>& answers, std::string_view language) {
  if (auto it = answers.find(std::string(language)); it != answers.end()) return it->second;
  if (auto it = answers.find("*"); it != answers.end()) return it->second;
  return answers.empty() ? std::string() : answers.begin()->second;
}

}  // namespace

BotService::BotService(BotStore& store, std::shared_ptr<const routing::TextNormalizer> normalizer,
                       BotOptions options)
    : store_(store), normalizer_(std::move(normalizer)), options_(options) {
  if (!normalizer_) normalizer_ = std::make_shared<const routing::TextNormalizer>();
  auto empty = std::make_shared<Snapshot>();
  empty->index = std::make_shared<const FaqIndex>(std::vector<FaqEntry>{}, *normalizer_);
  snapshot_ = std::move(empty);
}

std::shared_ptr<const BotService::Snapshot> BotService::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

boost::asio::awaitable<bool> BotService::refresh() {
  auto revisions = co_await store_.revisions();
  if (!revisions) co_return false;
  const auto current = snapshot();
  if (revisions->faq == current->revisions.faq && revisions->words == current->revisions.words) co_return true;
  auto next = std::make_shared<Snapshot>(*current);
  if (revisions->faq != current->revisions.faq) {
    auto entries = co_await store_.faq_entries();
    if (!entries) co_return false;
    std::vector<FaqEntry> plain;
    plain.reserve(entries->size());
    for (const auto& stored : *entries) plain.push_back(stored.entry);
    next->index = std::make_shared<const FaqIndex>(std::move(plain), *normalizer_);
    next->faq = std::move(*entries);
  }
  if (revisions->words != current->revisions.words) {
    auto words = co_await store_.sensitive_words();
    if (!words) co_return false;
    std::vector<routing::SensitiveWord> list;
    next->masked.clear();
    for (const auto& w : *words) {
      list.push_back({w.word, w.category});
      next->masked.push_back(w.mask);
    }
    next->words = std::make_shared<const routing::SensitiveWordMatcher>(std::move(list), normalizer_);
  }
  next->revisions = *revisions;
  {
    std::lock_guard lock(mutex_);
    snapshot_ = std::move(next);
  }
  co_return true;
}

std::vector<FaqAnswer> BotService::search(std::string_view text, std::string_view language, std::size_t limit,
                                          double threshold) const {
  const auto current = snapshot();
  std::vector<FaqAnswer> out;
  for (const auto& match : current->index->search(text, limit)) {
    if (match.confidence < threshold) continue;
    const auto& stored = current->faq[match.entry];
    FaqAnswer a;
    a.id = stored.id;
    a.question = stored.entry.questions.empty() ? std::string() : stored.entry.questions.front();
    a.answer = answer_in(stored.entry.answers, language);
    a.score = match.score;
    a.confidence = match.confidence;
    out.push_back(std::move(a));
  }
  return out;
}

std::optional<FaqAnswer> BotService::answer(std::string_view text, std::string_view language) const {
  auto found = search(text, language, 1, options_.answer_threshold);
  if (found.empty() || found.front().answer.empty()) return std::nullopt;
  return std::move(found.front());
}

std::string BotService::mask_for_agents(std::string_view text) const {
  const auto current = snapshot();
  if (!current->words) return std::string(text);
  auto matches = current->words->find(text);
  std::erase_if(matches, [&](const routing::SensitiveMatch& m) { return !current->masked[m.word_index]; });
  if (matches.empty()) return std::string(text);
  return routing::mask_spans(text, std::move(matches));
}

std::vector<std::pair<std::string, std::string>> BotService::sensitive_hits(std::string_view text) const {
  const auto current = snapshot();
  std::vector<std::pair<std::string, std::string>> out;
  if (!current->words) return out;
  for (const auto& m : current->words->find(text)) {
    const auto& word = current->words->words()[m.word_index];
    std::pair<std::string, std::string> hit{word.text, word.category};
    if (std::find(out.begin(), out.end(), hit) == out.end()) out.push_back(std::move(hit));
  }
  return out;
}

boost::asio::awaitable<Result<StoredFaq>> BotService::save_faq(std::optional<domain::Id> id, FaqEntry entry) {
  auto saved = co_await store_.save_faq(id, std::move(entry));
  if (saved) co_await refresh();
  co_return saved;
}

boost::asio::awaitable<Status> BotService::delete_faq(domain::Id id) {
  auto deleted = co_await store_.delete_faq(id);
  if (deleted) co_await refresh();
  co_return deleted;
}

boost::asio::awaitable<Status> BotService::replace_words(std::vector<StoredSensitiveWord> words) {
  auto saved = co_await store_.replace_sensitive_words(std::move(words));
  if (saved) co_await refresh();
  co_return saved;
}

boost::asio::awaitable<void> BotService::on_ingested(const std::vector<IngestResult>& results) {
  for (const auto& result : results) {
    if (result.message.direction != domain::Direction::inbound) continue;
    auto words = sensitive_hits(result.message.content);
    if (words.empty()) continue;
    // Words only (never the message body) in the log.
    std::string list;
    for (const auto& [word, category] : words) list += (list.empty() ? "" : ",") + category;
    spdlog::warn("compliance: message {} of conversation {} has {} sensitive word(s) [{}]", result.message.id,
                 result.conversation.id, words.size(), list);
    SensitiveHit hit;
    hit.conversation_id = result.conversation.id;
    hit.message_id = result.message.id;
    hit.words = std::move(words);
    auto added = co_await store_.add_hit(std::move(hit));
    if (!added) spdlog::warn("compliance: flag for message {} failed: {}", result.message.id, added.error().detail);
  }
}

AgentMaskingScope::AgentMaskingScope(const BotService& bot, bool enabled) : enabled_(enabled) {
  if (!enabled_) return;
  const auto* service = &bot;
  set_agent_text_filter([service](std::string_view text) { return service->mask_for_agents(text); });
}

AgentMaskingScope::~AgentMaskingScope() {
  if (enabled_) set_agent_text_filter({});
}

}  // namespace cc::services
