#pragma once
// The ingest pipeline's entry point for every channel adapter. Concurrent callers are batched:
// whatever arrives while one batch is being committed goes into the next, so many messages share
// one transaction and one commit (group commit). ingest() returns only after COMMIT, which is
// when an adapter may acknowledge its provider. After commit it assigns new conversations and
// emits events. Routing: a ConversationRouter decides (DefaultRouter until a workflow is
// active) and the assignment engine queues and assigns. Thread-safe.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <map>
#include <set>
#include <mutex>
#include <vector>

#include "cc/async/completion.hpp"
#include "cc/async/group_commit_queue.hpp"
#include "cc/metrics/registry.hpp"
#include "cc/services/assignment_service.hpp"
#include "cc/services/event_dispatcher.hpp"
#include "cc/services/ports/agent_repository.hpp"
#include "cc/services/ports/ingest_observer.hpp"
#include "cc/services/ports/ingest_store.hpp"
#include "cc/services/routing_plan.hpp"

namespace cc::services {

struct IngestOptions {
  std::size_t max_batch = 500;
};

class IngestService {
 public:
  IngestService(boost::asio::any_io_executor executor, IngestStore& store,
                ConversationRouter& router, AssignmentService& assignment, AgentRepository& agents,
                EventDispatcher& events,
                metrics::Registry& metrics, IngestOptions options = {});

  boost::asio::awaitable<Result<IngestResult>> ingest(domain::InboundMessage message);
  // Wiring only, before the first ingest: observers are not locked.
  void add_observer(IngestObserver& observer) { observers_.push_back(&observer); }

 private:
  struct Pending {
    domain::InboundMessage message;
    async::Completion<Result<IngestResult>> completion;
  };
  void enqueue(Pending pending);
  boost::asio::awaitable<void> flush_loop();
  boost::asio::awaitable<void> after_commit(std::vector<IngestResult> results);
  // Routes the batch's unassigned routable conversations and queues them in one go; returns
  // those assigned at once.
  boost::asio::awaitable<std::map<domain::Id, domain::Conversation>> route_batch(
      const std::vector<IngestResult>& results);

  boost::asio::any_io_executor executor_;
  IngestStore& store_;
  ConversationRouter& router_;
  AssignmentService& assignment_;
  AgentRepository& agents_;
  EventDispatcher& events_;
  IngestOptions options_;
  metrics::Counter& ingested_;
  metrics::Counter& duplicates_;
  metrics::Histogram& batch_seconds_;
  async::GroupCommitQueue<Pending> pending_;
  std::vector<IngestObserver*> observers_;
};

}  // namespace cc::services
