#pragma once
// services::AssignmentStore on PostgreSQL (migrations/0012_assignment.sql: routing_tasks,
// task_offers, queues, queue_members, agent_skills, agents' routing columns). A matching round
// is one transaction: online agents locked FOR UPDATE in id order (which serialises rounds of
// several instances), waiting tasks FOR UPDATE SKIP LOCKED, the pure matcher in memory, and
// set-based writes (unnest arrays), so thousands of tasks cost a handful of round trips.
#include "cc/services/ports/assignment_store.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgAssignmentStore final : public services::AssignmentStore {
 public:
  explicit PgAssignmentStore(PgPool& pool) : pool_(pool) {}

  boost::asio::awaitable<Status> enqueue(std::vector<services::RoutingPlan> plans) override;
  boost::asio::awaitable<Result<services::RoundResult>> run_round(services::RoundOptions options) override;
  boost::asio::awaitable<Result<domain::Conversation>> accept_offer(domain::Id offer_id, domain::Id agent_id,
                                                                  domain::TimePoint now) override;
  boost::asio::awaitable<Status> decline_offer(domain::Id offer_id, domain::Id agent_id) override;
  boost::asio::awaitable<Result<services::ExpiredOffers>> expire_offers(domain::TimePoint now,
                                                                        int max_missed) override;
  boost::asio::awaitable<Result<std::vector<services::OfflineOutcome>>> release_offline_agents(
      domain::TimePoint now, int limit) override;
  boost::asio::awaitable<Result<std::vector<services::PositionNotice>>> due_position_notices(
      domain::TimePoint now, std::chrono::seconds interval, std::vector<domain::Channel> channels,
      int limit) override;
  boost::asio::awaitable<Result<std::vector<services::ExhaustedTask>>> claim_exhausted(domain::TimePoint now,
                                                                                      int limit) override;
  boost::asio::awaitable<Result<std::vector<services::AssignmentQueueLoad>>> queue_loads(
      std::chrono::seconds window) override;
  boost::asio::awaitable<Result<std::vector<services::AgentSnapshot>>> agent_snapshots() override;

  boost::asio::awaitable<Result<std::vector<services::QueueSettings>>> list_queues() override;
  boost::asio::awaitable<Result<services::QueueSettings>> get_queue(std::string key) override;
  boost::asio::awaitable<Result<services::QueueSettings>> create_queue(services::QueueDraft draft) override;
  boost::asio::awaitable<Result<services::QueueSettings>> update_queue(std::string key,
                                                                      services::QueueDraft draft) override;
  boost::asio::awaitable<Result<services::AgentRoutingProfile>> get_profile(domain::Id agent_id) override;
  boost::asio::awaitable<Result<services::AgentRoutingProfile>> put_profile(
      services::AgentRoutingProfile profile) override;
  boost::asio::awaitable<Result<std::string>> customer_tier(domain::Id customer_id) override;

 private:
  PgPool& pool_;
};

}  // namespace cc::store
