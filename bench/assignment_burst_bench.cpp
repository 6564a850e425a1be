// Burst assignment: 10,000 queued conversations, 500 offline agents with spare capacity; all
// agents come online at once and the engine (AssignmentService::assign_waiting, the same path
// as an agent going online or the timer pass, including conversation.assigned events) runs
// until every conversation is assigned. Prints the time and checks that no agent is over
// capacity. Usage: assignment_burst_bench <admin postgres url> [conversations] [agents] [slots]
// (creates and drops a database of its own).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdio>
#include <pqxx/pqxx>
#include <string>
#include <unistd.h>

#include "cc/services/assignment_service.hpp"
#include "cc/services/event_dispatcher.hpp"
#include "cc/store/pg/migrator.hpp"
#include "cc/store/pg/pg_assignment_store.hpp"
#include "cc/store/pg/pg_repositories.hpp"

namespace {

class NullBus final : public cc::services::EventBus {
 public:
  void publish(const std::string&, std::string) override {}
  void subscribe(const std::string&, Subscriber) override {}
  bool connected() const override { return true; }
};

std::string with_database(const std::string& url, const std::string& name) {
  // postgresql://user@host:port/db?x -> same with /name
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const auto query = url.find('?', slash == std::string::npos ? 0 : slash);
  std::string base = slash == std::string::npos ? url : url.substr(0, slash);
  return base + "/" + name + (query == std::string::npos ? "" : url.substr(query));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <admin postgres url> [conversations] [agents] [slots per agent]\n", argv[0]);
    return 2;
  }
  const std::string admin_url = argv[1];
  const int conversations = argc > 2 ? std::stoi(argv[2]) : 10000;
  const int agent_count = argc > 3 ? std::stoi(argv[3]) : 500;
  const int slots = argc > 4 ? std::stoi(argv[4]) : 25;
  const std::string name = "assignment_bench_" + std::to_string(getpid());
  {
    pqxx::connection admin(admin_url);
    pqxx::nontransaction tx(admin);
    tx.exec("CREATE DATABASE " + name);
  }
  const auto url = with_database(admin_url, name);
  int status = 0;
  {
    pqxx::connection setup(url);
    cc::store::migrate(setup, CC_MIGRATIONS_DIR);
    pqxx::work tx(setup);
    tx.exec("INSERT INTO channel_accounts (channel, name) VALUES ('webchat', 'bench')");
    tx.exec_params(
        "INSERT INTO agents (email, name, role, password_hash, status, capacity) SELECT 'a' || g || "
        "'@bench.test', 'agent ' || g, 'agent', 'x', 'offline', jsonb_build_object('webchat', $2::int) "
        "FROM generate_series(1, $1) g",
        agent_count, slots);
    tx.exec_params(
        "WITH cu AS (INSERT INTO customers (display_name) SELECT 'c' || g FROM generate_series(1, $1) g "
        "RETURNING id), cv AS (INSERT INTO conversations (customer_id, channel_account_id, channel, status) "
        "SELECT cu.id, (SELECT min(id) FROM channel_accounts), 'webchat', 'queued' FROM cu RETURNING id) "
        "INSERT INTO routing_tasks (conversation_id, channel, plan, queue_key, priority, entered_at) "
        "SELECT id, 'webchat', '{\"steps\": [{\"queue\": \"default\"}]}', 'default', 0, "
        "now() - (id || ' milliseconds')::interval FROM cv",
        conversations);
    tx.exec("ANALYZE");
    tx.commit();
  }
  {
    boost::asio::io_context io;
    cc::metrics::Registry metrics;
    cc::store::PgPool pool(url, 4, metrics);
    cc::store::PgAssignmentStore store(pool);
    cc::store::PgAgentRepository agents(pool);
    cc::store::PgAgentEventStore event_store(pool);
    NullBus bus;
    cc::services::EventDispatcher events(event_store, bus);
    cc::services::AssignmentOptions options;
    cc::services::AssignmentService engine(io.get_executor(), store, agents, events, options);

    {
      pqxx::connection c(url);
      pqxx::work tx(c);
      tx.exec("UPDATE agents SET status = 'online', status_changed_at = now()");
      tx.commit();
    }
    const auto start = std::chrono::steady_clock::now();
    auto future = boost::asio::co_spawn(io, engine.assign_waiting(), boost::asio::use_future);
    io.run();
    const int handled = future.get();
    const double elapsed = seconds_since(start);

    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    const auto open = tx.exec("SELECT count(*) FROM conversations WHERE status = 'open'")[0][0].as<long>();
    const auto queued = tx.exec("SELECT count(*) FROM conversations WHERE status = 'queued'")[0][0].as<long>();
    const auto max_load = tx.exec(
        "SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM conversations WHERE status = 'open' "
        "GROUP BY assignee_id) x")[0][0].as<long>();
    const auto over = tx.exec_params(
        "SELECT count(*) FROM (SELECT assignee_id, count(*) n FROM conversations WHERE status = 'open' "
        "GROUP BY assignee_id) x WHERE n > $1", slots)[0][0].as<long>();
    const auto events_stored = tx.exec("SELECT count(*) FROM agent_events")[0][0].as<long>();
    std::printf("assignment burst: %d conversations, %d agents x %d webchat slots\n", conversations,
                agent_count, slots);
    std::printf("  assigned %d in %.3f s (%.0f per second); open %ld, still queued %ld\n", handled, elapsed,
                handled / elapsed, open, queued);
    std::printf("  max open per agent %ld (capacity %d), agents over capacity: %ld\n", max_load, slots, over);
    std::printf("  conversation.assigned events stored: %ld\n", events_stored);
    if (over != 0 || queued != 0) status = 1;
    pool.stop();
  }
  {
    pqxx::connection admin(admin_url);
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }
  return status;
}
