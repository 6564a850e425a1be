// PgBotStore: faq_entries, sensitive_words(+hits), bot_conversation_state, conversation_tags and
// the revision counters every instance polls.
#include "cc/store/pg/pg_bot_store.hpp"

#include <nlohmann/json.hpp>

namespace cc::store {
namespace {

using nlohmann::json;

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

services::StoredFaq faq_of(const pqxx::row& row) {
  services::StoredFaq out;
  out.id = row[0].as<domain::Id>();
  out.entry.id = std::to_string(out.id);
  const auto questions = json::parse(row[1].as<std::string>(), nullptr, false);
  if (questions.is_array()) {
    for (const auto& q : questions) if (q.is_string()) out.entry.questions.push_back(q.get<std::string>());
  }
  const auto answers = json::parse(row[2].as<std::string>(), nullptr, false);
  if (answers.is_object()) {
    for (const auto& [k, v] : answers.items()) if (v.is_string()) out.entry.answers[k] = v.get<std::string>();
  }
  const auto tags = json::parse(row[3].as<std::string>(), nullptr, false);
  if (tags.is_array()) {
    for (const auto& t : tags) if (t.is_string()) out.entry.tags.push_back(t.get<std::string>());
  }
  return out;
}

constexpr const char* kFaqColumns = "id, questions::text, answers::text, tags::text";

}  // namespace

boost::asio::awaitable<Result<services::BotRevisions>> PgBotStore::revisions() {
  auto job = [](pqxx::connection& c) -> Result<services::BotRevisions> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec("SELECT faq, words FROM bot_revisions WHERE id = 1");
    if (rows.empty()) return services::BotRevisions{};
    return services::BotRevisions{rows[0][0].as<long long>(), rows[0][1].as<long long>()};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<std::vector<services::StoredFaq>>> PgBotStore::faq_entries() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<services::StoredFaq>> {
    pqxx::read_transaction tx(c);
    std::vector<services::StoredFaq> out;
    for (const auto& row : tx.exec(std::string("SELECT ") + kFaqColumns + " FROM faq_entries ORDER BY id")) {
      out.push_back(faq_of(row));
    }
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<services::StoredFaq>> PgBotStore::save_faq(std::optional<domain::Id> id,
                                                                         services::FaqEntry entry) {
  auto job = [id, entry = std::move(entry)](pqxx::connection& c) -> Result<services::StoredFaq> {
    pqxx::work tx(c);
    json answers = json::object();
    for (const auto& [k, v] : entry.answers) answers[k] = v;
    const auto questions = dump(json(entry.questions));
    const auto tags = dump(json(entry.tags));
    pqxx::result rows;
    if (id) {
      rows = tx.exec_params(std::string("UPDATE faq_entries SET questions = $2::jsonb, answers = $3::jsonb, "
                                        "tags = $4::jsonb, updated_at = now() WHERE id = $1 RETURNING ") +
                                kFaqColumns,
                            *id, questions, dump(answers), tags);
      if (rows.empty()) return Error::not_found("no such FAQ entry");
    } else {
      rows = tx.exec_params(std::string("INSERT INTO faq_entries (questions, answers, tags) "
                                        "VALUES ($1::jsonb, $2::jsonb, $3::jsonb) RETURNING ") +
                                kFaqColumns,
                            questions, dump(answers), tags);
    }
    tx.exec("UPDATE bot_revisions SET faq = faq + 1 WHERE id = 1");
    auto out = faq_of(rows[0]);
    tx.commit();
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgBotStore::delete_faq(domain::Id id) {
  auto job = [id](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    if (tx.exec_params("DELETE FROM faq_entries WHERE id = $1", id).affected_rows() == 0) {
      return Error::not_found("no such FAQ entry");
    }
    tx.exec("UPDATE bot_revisions SET faq = faq + 1 WHERE id = 1");
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<std::vector<services::StoredSensitiveWord>>> PgBotStore::sensitive_words() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<services::StoredSensitiveWord>> {
    pqxx::read_transaction tx(c);
    std::vector<services::StoredSensitiveWord> out;
    for (const auto& row : tx.exec("SELECT id, word, category, mask FROM sensitive_words ORDER BY id")) {
      out.push_back({row[0].as<domain::Id>(), row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<bool>()});
    }
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgBotStore::replace_sensitive_words(std::vector<services::StoredSensitiveWord> words) {
  auto job = [words = std::move(words)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec("DELETE FROM sensitive_words");
    json rows = json::array();
    for (const auto& w : words) rows.push_back({w.word, w.category, w.mask});
    tx.exec_params(
        "INSERT INTO sensitive_words (word, category, mask) "
        "SELECT e->>0, e->>1, (e->>2)::boolean FROM jsonb_array_elements($1::jsonb) AS t(e) "
        "ON CONFLICT (word) DO NOTHING",
        dump(rows));
    tx.exec("UPDATE bot_revisions SET words = words + 1 WHERE id = 1");
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgBotStore::add_hit(services::SensitiveHit hit) {
  auto job = [hit = std::move(hit)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    json words = json::array();
    for (const auto& [word, category] : hit.words) words.push_back({{"word", word}, {"category", category}});
    tx.exec_params(
        "INSERT INTO sensitive_word_hits (conversation_id, message_id, words) VALUES ($1, $2, $3::jsonb) "
        "ON CONFLICT (message_id) DO NOTHING",
        hit.conversation_id, hit.message_id, dump(words));
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<std::vector<services::SensitiveHit>>> PgBotStore::hits(bool open_only,
                                                                                     domain::Id before, int limit) {
  auto job = [open_only, before, limit](pqxx::connection& c) -> Result<std::vector<services::SensitiveHit>> {
    pqxx::read_transaction tx(c);
    std::vector<services::SensitiveHit> out;
    const auto rows = tx.exec_params(
        "SELECT id, conversation_id, message_id, words::text, reviewed, "
        "  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') "
        "FROM sensitive_word_hits WHERE ($1 = false OR NOT reviewed) AND ($2 = 0 OR id < $2) "
        "ORDER BY id DESC LIMIT $3",
        open_only, before, limit);
    for (const auto& row : rows) {
      services::SensitiveHit hit;
      hit.id = row[0].as<domain::Id>();
      hit.conversation_id = row[1].as<domain::Id>();
      hit.message_id = row[2].as<domain::Id>();
      const auto words = json::parse(row[3].as<std::string>(), nullptr, false);
      if (words.is_array()) {
        for (const auto& w : words) hit.words.emplace_back(w.value("word", ""), w.value("category", ""));
      }
      hit.reviewed = row[4].as<bool>();
      hit.created_at = row[5].as<std::string>();
      out.push_back(std::move(hit));
    }
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgBotStore::mark_reviewed(domain::Id hit_id) {
  auto job = [hit_id](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    if (tx.exec_params("UPDATE sensitive_word_hits SET reviewed = true WHERE id = $1", hit_id).affected_rows() == 0) {
      return Error::not_found("no such hit");
    }
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<services::BotState>> PgBotStore::bot_state(domain::Id conversation_id) {
  auto job = [conversation_id](pqxx::connection& c) -> Result<services::BotState> {
    pqxx::read_transaction tx(c);
    const auto rows = tx.exec_params(
        "SELECT turns, unresolved, handed_off, handoff_reason FROM bot_conversation_state "
        "WHERE conversation_id = $1",
        conversation_id);
    services::BotState out;
    if (rows.empty()) return out;
    out.turns = rows[0][0].as<int>();
    out.unresolved = rows[0][1].as<int>();
    out.handed_off = rows[0][2].as<bool>();
    out.handoff_reason = rows[0][3].as<std::string>();
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgBotStore::save_bot_state(domain::Id conversation_id, services::BotState state) {
  auto job = [conversation_id, state = std::move(state)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    // A hand-off is never undone by a concurrent, older turn.
    tx.exec_params(
        "INSERT INTO bot_conversation_state (conversation_id, turns, unresolved, handed_off, handoff_reason) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (conversation_id) DO UPDATE SET "
        "turns = GREATEST(bot_conversation_state.turns, EXCLUDED.turns), "
        "unresolved = GREATEST(bot_conversation_state.unresolved, EXCLUDED.unresolved), "
        "handed_off = bot_conversation_state.handed_off OR EXCLUDED.handed_off, "
        "handoff_reason = CASE WHEN bot_conversation_state.handed_off THEN bot_conversation_state.handoff_reason "
        "                      ELSE EXCLUDED.handoff_reason END, updated_at = now()",
        conversation_id, state.turns, state.unresolved, state.handed_off, state.handoff_reason);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgBotStore::tag(domain::Id conversation_id, domain::Id customer_id,
                                               std::vector<std::string> tags) {
  auto job = [conversation_id, customer_id, tags = std::move(tags)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    const auto list = dump(json(tags));
    tx.exec_params(
        "INSERT INTO conversation_tags (conversation_id, tag) "
        "SELECT $1, t FROM jsonb_array_elements_text($2::jsonb) AS t ON CONFLICT DO NOTHING",
        conversation_id, list);
    tx.exec_params(
        "UPDATE customers SET tags = ARRAY(SELECT DISTINCT unnest(tags || "
        "  ARRAY(SELECT jsonb_array_elements_text($2::jsonb)))) WHERE id = $1",
        customer_id, list);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgBotStore::block_spam(domain::Id conversation_id, domain::Id customer_id) {
  auto job = [conversation_id, customer_id](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec_params(
        "UPDATE customers SET tags = array_append(tags, 'spam') WHERE id = $1 AND NOT ('spam' = ANY (tags))",
        customer_id);
    tx.exec_params(
        "INSERT INTO conversation_tags (conversation_id, tag) VALUES ($1, 'spam') ON CONFLICT DO NOTHING",
        conversation_id);
    tx.exec_params(
        "UPDATE conversations SET status = 'closed', closed_at = now() "
        "WHERE id = $1 AND assignee_id IS NULL AND status = 'queued'",
        conversation_id);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<std::vector<domain::Id>>> PgBotStore::supervisor_ids() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<domain::Id>> {
    pqxx::read_transaction tx(c);
    std::vector<domain::Id> out;
    for (const auto& row : tx.exec("SELECT id FROM agents WHERE role IN ('supervisor', 'admin') AND active")) {
      out.push_back(row[0].as<domain::Id>());
    }
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
