#pragma once
// The FAQ bot and the sensitive-word policy as services: FAQ entries and sensitive words are
// stored through BotStore (PostgreSQL), every instance keeps a BM25 index and an Aho-Corasick
// matcher built from them and rebuilds both when the stored revision moves (refresh(), called
// each second by the routing engine's poll). Also the port for the rule actions that write
// (tags, spam block, supervisor ids) and the bot's per-conversation state.
// Thread-safe: the index and matcher are immutable and swapped under a mutex.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cc/routing/sensitive_words.hpp"
#include "cc/services/bot_faq.hpp"
#include "cc/services/ports/ingest_observer.hpp"

namespace cc::services {

inline constexpr std::size_t kMaxFaqEntries = 5000;
inline constexpr std::size_t kMaxFaqQuestions = 50;  // variants per entry
inline constexpr std::size_t kMaxFaqTextBytes = 4000;

struct StoredFaq {
  domain::Id id = 0;
  FaqEntry entry;  // entry.id is the id as text
};

struct StoredSensitiveWord {
  domain::Id id = 0;
  std::string word;
  std::string category;
  bool mask = true;
};

struct SensitiveHit {
  domain::Id id = 0;
  domain::Id conversation_id = 0;
  domain::Id message_id = 0;
  std::vector<std::pair<std::string, std::string>> words;  // word, category
  bool reviewed = false;
  std::string created_at;  // ISO-8601
};

struct BotState {
  int turns = 0;
  int unresolved = 0;
  bool handed_off = false;
  std::string handoff_reason;
};

struct BotRevisions {
  long long faq = 0;
  long long words = 0;
};

// Port (PostgreSQL: migrations/0015_bot_faq.sql).
class BotStore {
 public:
  virtual ~BotStore() = default;
  virtual boost::asio::awaitable<Result<BotRevisions>> revisions() = 0;
  virtual boost::asio::awaitable<Result<std::vector<StoredFaq>>> faq_entries() = 0;
  virtual boost::asio::awaitable<Result<StoredFaq>> save_faq(std::optional<domain::Id> id, FaqEntry entry) = 0;
  virtual boost::asio::awaitable<Status> delete_faq(domain::Id id) = 0;
  virtual boost::asio::awaitable<Result<std::vector<StoredSensitiveWord>>> sensitive_words() = 0;
  virtual boost::asio::awaitable<Status> replace_sensitive_words(std::vector<StoredSensitiveWord> words) = 0;
  virtual boost::asio::awaitable<Status> add_hit(SensitiveHit hit) = 0;
  virtual boost::asio::awaitable<Result<std::vector<SensitiveHit>>> hits(bool open_only, domain::Id before,
                                                                         int limit) = 0;
  virtual boost::asio::awaitable<Status> mark_reviewed(domain::Id hit_id) = 0;
  virtual boost::asio::awaitable<Result<BotState>> bot_state(domain::Id conversation_id) = 0;
  virtual boost::asio::awaitable<Status> save_bot_state(domain::Id conversation_id, BotState state) = 0;
  // Rule actions.
  virtual boost::asio::awaitable<Status> tag(domain::Id conversation_id, domain::Id customer_id,
                                             std::vector<std::string> tags) = 0;
  // Tags the customer "spam" and closes the conversation (it was never assigned).
  virtual boost::asio::awaitable<Status> block_spam(domain::Id conversation_id, domain::Id customer_id) = 0;
  virtual boost::asio::awaitable<Result<std::vector<domain::Id>>> supervisor_ids() = 0;
};

struct BotOptions {
  double answer_threshold = 0.4;   // FAQ confidence the bot needs to answer
  double suggest_threshold = 0.25;  // for agents' suggestions
  int max_unresolved_turns = 3;
};

struct FaqAnswer {
  domain::Id id = 0;
  std::string question;  // the first variant
  std::string answer;    // in the requested language, else "*", else any
  double score = 0;
  double confidence = 0;
};

class BotService final : public IngestObserver {
 public:
  BotService(BotStore& store, std::shared_ptr<const routing::TextNormalizer> normalizer, BotOptions options = {});

  // Reloads the FAQ index / word list when their stored revision moved. Returns false on a
  // store failure (kept serving the old ones).
  boost::asio::awaitable<bool> refresh();

  // Best first, only those at or above `threshold`.
  std::vector<FaqAnswer> search(std::string_view text, std::string_view language, std::size_t limit,
                                double threshold) const;
  std::vector<FaqAnswer> suggestions(std::string_view text, std::string_view language, std::size_t limit) const {
    return search(text, language, limit, options_.suggest_threshold);
  }
  std::optional<FaqAnswer> answer(std::string_view text, std::string_view language) const;

  // Agent-facing text: the masked words replaced by ***. Unchanged when nothing masked matches.
  std::string mask_for_agents(std::string_view text) const;
  // Matches of every listed word (masked or not), as (word, category).
  std::vector<std::pair<std::string, std::string>> sensitive_hits(std::string_view text) const;

  // CRUD (each bumps the revision and refreshes this instance at once).
  boost::asio::awaitable<Result<std::vector<StoredFaq>>> list_faq() { co_return co_await store_.faq_entries(); }
  boost::asio::awaitable<Result<StoredFaq>> save_faq(std::optional<domain::Id> id, FaqEntry entry);
  boost::asio::awaitable<Status> delete_faq(domain::Id id);
  boost::asio::awaitable<Result<std::vector<StoredSensitiveWord>>> list_words() {
    co_return co_await store_.sensitive_words();
  }
  boost::asio::awaitable<Status> replace_words(std::vector<StoredSensitiveWord> words);

  // Flags inbound messages with sensitive words for compliance review (and logs them).
  boost::asio::awaitable<void> on_ingested(const std::vector<IngestResult>& results) override;

  BotStore& store() { return store_; }
  const BotOptions& options() const { return options_; }
  const routing::TextNormalizer& normalizer() const { return *normalizer_; }

 private:
  struct Snapshot {
    std::vector<StoredFaq> faq;
    std::shared_ptr<const FaqIndex> index;
    std::shared_ptr<const routing::SensitiveWordMatcher> words;  // every word
    std::vector<bool> masked;                                    // per word of `words`
    BotRevisions revisions{-1, -1};
  };
  std::shared_ptr<const Snapshot> snapshot() const;

  BotStore& store_;
  std::shared_ptr<const routing::TextNormalizer> normalizer_;
  BotOptions options_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
};

// Installs BotService::mask_for_agents as the agent text filter of json_views for its lifetime.
class AgentMaskingScope {
 public:
  AgentMaskingScope(const BotService& bot, bool enabled);
  ~AgentMaskingScope();
  AgentMaskingScope(const AgentMaskingScope&) = delete;
  AgentMaskingScope& operator=(const AgentMaskingScope&) = delete;

 private:
  bool enabled_;
};

}  // namespace cc::services
