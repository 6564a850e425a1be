// Identity resolution and the 360 profile at volume: loads N customers (default 1,000,000) with
// 3 identifiers each (phone and unionid verified, e-mail claimed; 3,000,000 rows), 3 orders for
// every 5th customer and a conversation for every 10th, with generate_series, then measures
//  - resolve_customer inside an ingest-like transaction (90% known phone+unionid, 10% new),
//    the call alone and the whole transaction with its commit;
//  - the profile query (PgCustomerStore::profile, through the pool like the server).
// Prints p50/p99/max. Usage: identity_bench <admin postgres url> [customers] [samples]
// (creates and drops a database of its own; keep it with CC_BENCH_KEEP=1).
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <vector>

#include "cc/store/pg/migrator.hpp"
#include "cc/store/pg/pg_customer_store.hpp"
#include "cc/store/pg/pg_identity_resolution.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::string with_database(const std::string& url, const std::string& name) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const auto query = url.find('?', slash == std::string::npos ? 0 : slash);
  std::string base = slash == std::string::npos ? url : url.substr(0, slash);
  return base + "/" + name + (query == std::string::npos ? "" : url.substr(query));
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void report(const char* what, std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  const auto at = [&](double q) { return samples[static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1))]; };
  std::printf("%-44s n=%zu  p50=%.3f ms  p99=%.3f ms  max=%.3f ms\n", what, samples.size(), at(0.5), at(0.99),
              samples.back());
}

template <class T>
T run_sync(boost::asio::awaitable<T> awaitable) {
  boost::asio::io_context io;
  std::optional<T> result;
  boost::asio::co_spawn(io, std::move(awaitable), [&](std::exception_ptr e, T value) {
    if (e) std::rethrow_exception(e);
    result.emplace(std::move(value));
  });
  io.run();
  return std::move(*result);
}

void load(pqxx::connection& c, long n) {
  const auto start = Clock::now();
  pqxx::nontransaction tx(c);
  const auto count = std::to_string(n);
  tx.exec("INSERT INTO channel_accounts (channel, name) VALUES ('sms', 'bench')");
  tx.exec("INSERT INTO customers (id, display_name, tier) SELECT g, 'Customer ' || g, "
          "CASE WHEN g % 50 = 0 THEN 'gold' ELSE 'standard' END FROM generate_series(1, " + count + ") g");
  tx.exec("SELECT setval('customers_id_seq', " + count + ")");
  tx.exec("INSERT INTO customer_identities (customer_id, type, value, verified) "
          "SELECT g, 'phone', '+86139' || lpad(g::text, 8, '0'), true FROM generate_series(1, " + count + ") g "
          "UNION ALL SELECT g, 'wechat_unionid', 'union-' || g, true FROM generate_series(1, " + count + ") g "
          "UNION ALL SELECT g, 'email', 'c' || g || '@example.com', false FROM generate_series(1, " + count + ") g");
  tx.exec("INSERT INTO business_events (customer_id, type, external_id, order_ref, occurred_at, data) "
          "SELECT g, 'order', 'o-' || g || '-' || k, 'o-' || g || '-' || k, now() - (k || ' days')::interval, "
          "'{\"total\": \"10.00\"}' FROM generate_series(5, " + count + ", 5) g, generate_series(1, 3) k");
  tx.exec("INSERT INTO conversations (customer_id, channel_account_id, channel, status, closed_at) "
          "SELECT g, 1, 'sms', 'closed', now() FROM generate_series(10, " + count + ", 10) g");
  tx.exec("ANALYZE");
  std::printf("loaded %ld customers, %ld identifiers in %.1f s\n", n, 3 * n, ms_since(start) / 1000);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: identity_bench <admin postgres url> [customers] [samples]\n");
    return 2;
  }
  const std::string admin = argv[1];
  const long customers = argc > 2 ? std::atol(argv[2]) : 1000000;
  const int samples = argc > 3 ? std::atoi(argv[3]) : 5000;
  const std::string name = "identity_bench";
  {
    pqxx::connection c(admin);
    pqxx::nontransaction tx(c);
    tx.exec("DROP DATABASE IF EXISTS " + name);
    tx.exec("CREATE DATABASE " + name);
  }
  const auto url = with_database(admin, name);
  {
    pqxx::connection c(url);
    cc::store::migrate(c, CC_MIGRATIONS_DIR);
    load(c, customers);
  }
  std::mt19937_64 random(42);
  std::uniform_int_distribution<long> pick(1, customers);
  pqxx::connection c(url);
  std::vector<double> resolve_ms, transaction_ms;
  for (int i = 0; i < samples; ++i) {
    const bool known = i % 10 != 0;
    const auto n = known ? pick(random) : customers + 1 + i;
    char phone[32];
    std::snprintf(phone, sizeof phone, "+86139%08ld", n % 100000000);
    std::vector<cc::domain::Identifier> ids{{"phone", phone, true},
                                            {"wechat_unionid", "union-" + std::to_string(n), true}};
    const auto start = Clock::now();
    pqxx::work tx(c);
    const auto t0 = Clock::now();
    const auto customer = cc::store::resolve_customer(tx, ids, std::nullopt);
    resolve_ms.push_back(ms_since(t0));
    tx.commit();
    transaction_ms.push_back(ms_since(start));
    if (known && customer != n) std::printf("wrong customer for %ld: %ld\n", n, customer);
  }
  report("resolve_customer (in the transaction)", resolve_ms);
  report("resolution transaction incl. commit", transaction_ms);

  cc::metrics::Registry metrics;
  cc::store::PgPool pool(url, 4, metrics);
  cc::store::PgCustomerStore store(pool);
  std::vector<double> profile_ms;
  for (int i = 0; i < samples; ++i) {
    const auto id = pick(random);
    const auto start = Clock::now();
    auto profile = run_sync(store.profile(id));
    profile_ms.push_back(ms_since(start));
    if (!profile) std::printf("profile %ld failed\n", id);
  }
  report("profile (one query, through the pool)", profile_ms);
  std::vector<double> search_ms;
  for (int i = 0; i < 500; ++i) {
    const auto start = Clock::now();
    auto page = run_sync(store.search("+86139" + std::to_string(pick(random) % 100000), std::nullopt, 20));
    search_ms.push_back(ms_since(start));
  }
  report("search by phone prefix (page of 20)", search_ms);
  if (!std::getenv("CC_BENCH_KEEP")) {
    pqxx::connection a(admin);
    pqxx::nontransaction tx(a);
    tx.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }
  return 0;
}
