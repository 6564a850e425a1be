#pragma once
// An AssignmentStore for unit tests: every call answers "nothing to do"; tests override what
// they exercise and count calls. Also the other doubles an AssignmentService needs: agents
// (online supervisors), an event store that keeps what it got, a bus that drops everything, a
// customer notifier that records, and run() to drive a coroutine to its end.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "cc/services/assignment_service.hpp"
#include "cc/services/ports/agent_event_store.hpp"
#include "cc/services/ports/agent_repository.hpp"
#include "cc/services/ports/assignment_store.hpp"
#include "cc/services/ports/event_bus.hpp"

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
  boost::asio::awaitable<Result<std::vector<ExhaustedTask>>> claim_exhausted(domain::TimePoint, int) override {
    co_return std::vector<ExhaustedTask>{};
  }
  boost::asio::awaitable<Result<std::vector<AssignmentQueueLoad>>> queue_loads(std::chrono::seconds) override {
    co_return std::vector<AssignmentQueueLoad>{};
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

class FakeAgents final : public AgentRepository {
 public:
  using awaitable_agent = boost::asio::awaitable<Result<domain::Agent>>;
  awaitable_agent create(NewAgent) override { co_return Error::not_found("fake"); }
  awaitable_agent get(domain::Id) override { co_return Error::not_found("fake"); }
  boost::asio::awaitable<Result<AgentCredentials>> find_by_email(std::string) override {
    co_return Error::not_found("fake");
  }
  boost::asio::awaitable<Result<domain::Page<domain::Agent>>> list(std::optional<domain::Id>, int) override {
    co_return domain::Page<domain::Agent>{};
  }
  awaitable_agent update(domain::Id, AgentPatch) override { co_return Error::not_found("fake"); }
  awaitable_agent set_status(domain::Id, domain::AgentStatus) override { co_return Error::not_found("fake"); }
  boost::asio::awaitable<Result<std::vector<domain::Id>>> online_agent_ids() override {
    co_return std::vector<domain::Id>{};
  }
  boost::asio::awaitable<Result<std::vector<domain::Id>>> online_supervisor_ids() override { co_return supervisors; }

  std::vector<domain::Id> supervisors;
};

class RecordingEvents final : public AgentEventStore {
 public:
  boost::asio::awaitable<Result<std::vector<AgentEvent>>> append(std::vector<AgentEvent> events) override {
    stored.insert(stored.end(), events.begin(), events.end());
    co_return events;
  }
  boost::asio::awaitable<Result<std::vector<AgentEvent>>> since(domain::Id, std::int64_t, int) override {
    co_return std::vector<AgentEvent>{};
  }
  std::vector<AgentEvent> stored;
};

class NullBus final : public EventBus {
 public:
  void publish(const std::string&, std::string) override {}
  void subscribe(const std::string&, Subscriber) override {}
  bool connected() const override { return true; }
};

class RecordingNotifier final : public CustomerNotifier {
 public:
  boost::asio::awaitable<void> tell(domain::Id conversation_id, std::string text) override {
    told.emplace_back(conversation_id, std::move(text));
    co_return;
  }
  std::vector<std::pair<domain::Id, std::string>> told;
};

template <class T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> task) {
  auto future = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  io.run();
  io.restart();
  return future.get();
}

}  // namespace cc::services::testing
