#pragma once
// An AssignmentStore for unit tests: every call answers "nothing to do"; tests override what
// they exercise and count calls.
#include "cc/services/ports/assignment_store.hpp"

namespace cc::services::testing {

class FakeAssignmentStore : public AssignmentStore {
 public:
  using Awaitable = boost::asio::awaitable<Status>;
  boost::asio::awaitable<Status> enqueue(std::vector<RoutingPlan> plans) override {
    for (auto& plan : plans) enqueued.push_back(std::move(plan));
    co_return Ok{};
  }
  boost::asio::awaitable<Result<RoundResult>> run_round(RoundOptions) override {
    ++rounds;
    co_return RoundResult{};
  }
  boost::asio::awaitable<Result<domain::Conversation>> accept_offer(domain::Id, domain::Id,
                                                                  domain::TimePoint) override {
    co_return Error::not_found("fake");
  }
  boost::asio::awaitable<Status> decline_offer(domain::Id, domain::Id) override {
    co_return Error::not_found("fake");
  }
  boost::asio::awaitable<Result<ExpiredOffers>> expire_offers(domain::TimePoint, int) override {
    co_return ExpiredOffers{};
  }
  boost::asio::awaitable<Result<std::vector<OfflineOutcome>>> release_offline_agents(domain::TimePoint,
                                                                                     int) override {
    co_return std::vector<OfflineOutcome>{};
  }
  boost::asio::awaitable<Result<std::vector<PositionNotice>>> due_position_notices(
      domain::TimePoint, std::chrono::seconds, std::vector<domain::Channel>, int) override {
    co_return std::vector<PositionNotice>{};
  }
  boost::asio::awaitable<Result<std::vector<AgentSnapshot>>> agent_snapshots() override {
    co_return agents;
  }
  boost::asio::awaitable<Result<std::vector<QueueSettings>>> list_queues() override {
    co_return std::vector<QueueSettings>{};
  }
  boost::asio::awaitable<Result<QueueSettings>> get_queue(std::string key) override {
    if (key != "default") co_return Error::not_found("no such queue");
    QueueSettings queue;
    queue.key = key;
    co_return queue;
  }
  boost::asio::awaitable<Result<QueueSettings>> create_queue(QueueDraft) override {
    co_return Error::not_found("fake");
  }
  boost::asio::awaitable<Result<QueueSettings>> update_queue(std::string, QueueDraft) override {
    co_return Error::not_found("fake");
  }
  boost::asio::awaitable<Result<AgentRoutingProfile>> get_profile(domain::Id) override {
    co_return Error::not_found("fake");
  }
  boost::asio::awaitable<Result<AgentRoutingProfile>> put_profile(AgentRoutingProfile) override {
    co_return Error::not_found("fake");
  }
  boost::asio::awaitable<Result<std::string>> customer_tier(domain::Id customer_id) override {
    co_return customer_id == vip_customer ? std::string("vip") : std::string("standard");
  }

  std::vector<RoutingPlan> enqueued;
  std::vector<AgentSnapshot> agents;
  int rounds = 0;
  domain::Id vip_customer = -1;
};

}  // namespace cc::services::testing
