// PgIntentStore: intent_definitions and intent_examples.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "cc/store/pg/pg_routing_store.hpp"

namespace cc::store {
namespace {

std::vector<std::string> string_list(const std::string& json_text) {
  std::vector<std::string> out;
  const auto json = nlohmann::json::parse(json_text, nullptr, false);
  if (!json.is_array()) return out;
  for (const auto& item : json) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

void insert_examples(pqxx::work& tx, const std::vector<routing::LabelledExample>& examples) {
  // One statement per 2,000 rows (a JSON array unnested server-side) keeps big uploads quick.
  for (std::size_t start = 0; start < examples.size(); start += 2000) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i = start; i < std::min(examples.size(), start + 2000); ++i) {
      rows.push_back({examples[i].text, examples[i].intent});
    }
    tx.exec_params(
        "INSERT INTO intent_examples (text, intent) "
        "SELECT e->>0, e->>1 FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n",
        rows.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

}  // namespace

boost::asio::awaitable<Result<std::vector<services::IntentDefinition>>> PgIntentStore::definitions() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<services::IntentDefinition>> {
    pqxx::read_transaction tx(c);
    std::vector<services::IntentDefinition> out;
    for (const auto& row : tx.exec(
             "SELECT name, description, keywords::text, patterns::text FROM intent_definitions "
             "ORDER BY position")) {
      services::IntentDefinition d;
      d.name = row[0].as<std::string>();
      d.description = row[1].as<std::string>();
      d.keywords = string_list(row[2].as<std::string>());
      d.patterns = string_list(row[3].as<std::string>());
      out.push_back(std::move(d));
    }
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgIntentStore::replace_definitions(std::vector<services::IntentDefinition> intents) {
  auto job = [intents = std::move(intents)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec("DELETE FROM intent_definitions");
    for (std::size_t i = 0; i < intents.size(); ++i) {
      const auto& d = intents[i];
      tx.exec_params(
          "INSERT INTO intent_definitions (name, description, keywords, patterns, position) "
          "VALUES ($1, $2, $3::jsonb, $4::jsonb, $5)",
          d.name, d.description, nlohmann::json(d.keywords).dump(), nlohmann::json(d.patterns).dump(),
          static_cast<int>(i));
      if (d.examples.empty()) continue;
      tx.exec_params("DELETE FROM intent_examples WHERE intent = $1", d.name);
      std::vector<routing::LabelledExample> examples;
      for (const auto& text : d.examples) examples.push_back({text, d.name});
      insert_examples(tx, examples);
    }
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Result<std::vector<routing::LabelledExample>>> PgIntentStore::examples() {
  auto job = [](pqxx::connection& c) -> Result<std::vector<routing::LabelledExample>> {
    pqxx::read_transaction tx(c);
    std::vector<routing::LabelledExample> out;
    for (const auto& row : tx.exec("SELECT text, intent FROM intent_examples ORDER BY id")) {
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
    }
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgIntentStore::replace_examples(std::vector<routing::LabelledExample> examples) {
  auto job = [examples = std::move(examples)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    tx.exec("DELETE FROM intent_examples");
    insert_examples(tx, examples);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Status> PgIntentStore::seed_examples(std::vector<routing::LabelledExample> shipped) {
  auto job = [shipped = std::move(shipped)](pqxx::connection& c) -> Status {
    pqxx::work tx(c);
    // Instances starting together: the lock makes the emptiness check and the insert one step.
    tx.exec("LOCK TABLE intent_examples IN SHARE ROW EXCLUSIVE MODE");
    if (!tx.exec("SELECT 1 FROM intent_examples LIMIT 1").empty()) return Ok{};
    insert_examples(tx, shipped);
    tx.commit();
    return Ok{};
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace cc::store
