#pragma once
// Drafts, versions and the active routing workflow. Admins edit one draft (optimistic
// concurrency by revision: the REST ETag), activate it as a new immutable version, or roll back
// to an earlier version. Every instance holds the active version compiled once; an activation
// is announced on the bus (kWorkflowTopic) and refresh() also polls the store, so every
// instance switches within a second even when a bus notice is lost. Tasks already queued keep
// the plan (and version) they were given.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/services/ports/event_bus.hpp"
#include "cc/services/routing_workflow.hpp"

namespace cc::services {

inline constexpr const char* kWorkflowTopic = "routing.workflow";

struct WorkflowDraft {
  std::string document;  // JSON text; "" when no draft was ever saved
  long long revision = 0;
  domain::TimePoint updated_at{};
};

struct WorkflowVersion {
  int version = 0;
  std::string document;
  domain::TimePoint created_at{};
  std::optional<domain::Id> created_by;
  bool active = false;
};

// Port: the persisted draft and versions (PostgreSQL in production).
class WorkflowStore {
 public:
  virtual ~WorkflowStore() = default;
  virtual boost::asio::awaitable<Result<WorkflowDraft>> draft() = 0;
  // conflict when the stored revision is not `expected_revision` (0: no draft yet).
  virtual boost::asio::awaitable<Result<WorkflowDraft>> save_draft(std::string document,
                                                                   long long expected_revision,
                                                                   std::optional<domain::Id> by) = 0;
  // Stores `document` as the next version and makes it active, in one transaction.
  virtual boost::asio::awaitable<Result<int>> add_active_version(std::string document,
                                                                 std::optional<domain::Id> by) = 0;
  virtual boost::asio::awaitable<Result<Ok>> set_active(int version, std::optional<domain::Id> by) = 0;
  // nullopt when no version is active.
  virtual boost::asio::awaitable<Result<std::optional<WorkflowVersion>>> active() = 0;
  virtual boost::asio::awaitable<Result<int>> active_version() = 0;  // 0 when none
  virtual boost::asio::awaitable<Result<std::vector<WorkflowVersion>>> versions(int limit) = 0;
  virtual boost::asio::awaitable<Result<WorkflowVersion>> version(int number) = 0;
};

struct ActivationOutcome {
  int version = 0;
  std::vector<WorkflowError> errors;  // the draft is invalid: nothing changed
};

class RoutingWorkflowService {
 public:
  RoutingWorkflowService(boost::asio::any_io_executor executor, WorkflowStore& store, EventBus& bus);

  boost::asio::awaitable<Result<WorkflowDraft>> draft();
  // The document must be a JSON object within kMaxWorkflowDocumentBytes; it may be invalid as a
  // workflow (drafts are work in progress; activate refuses invalid ones).
  boost::asio::awaitable<Result<WorkflowDraft>> save_draft(const nlohmann::json& document,
                                                           long long expected_revision,
                                                           std::optional<domain::Id> by);
  static std::vector<WorkflowError> validate(const nlohmann::json& document);
  boost::asio::awaitable<Result<ActivationOutcome>> activate(std::optional<domain::Id> by);
  // To `version`, or to the version before the active one when nullopt.
  boost::asio::awaitable<Result<int>> rollback(std::optional<int> version, std::optional<domain::Id> by);
  boost::asio::awaitable<Result<std::vector<WorkflowVersion>>> versions();

  std::shared_ptr<const CompiledWorkflow> active() const;
  // Loads and compiles the active version when it differs from ours (poll and bus notices).
  boost::asio::awaitable<void> refresh();
  void subscribe();  // to kWorkflowTopic; call once before the bus starts

 private:
  boost::asio::awaitable<void> load(int version);
  void install(std::shared_ptr<const CompiledWorkflow> workflow);

  boost::asio::any_io_executor executor_;
  WorkflowStore& store_;
  EventBus& bus_;
  mutable std::mutex mutex_;
  std::shared_ptr<const CompiledWorkflow> active_;
};

}  // namespace cc::services
