// RoutingWorkflowService: draft edits, activation, rollback and the per-instance active copy.
#include "cc/services/routing_workflow_service.hpp"

#include <spdlog/spdlog.h>

#include "cc/async/spawn.hpp"

namespace cc::services {

RoutingWorkflowService::RoutingWorkflowService(boost::asio::any_io_executor executor,
                                               WorkflowStore& store, EventBus& bus)
    : executor_(std::move(executor)), store_(store), bus_(bus), active_(builtin_workflow()) {}

boost::asio::awaitable<Result<WorkflowDraft>> RoutingWorkflowService::draft() {
  co_return co_await store_.draft();
}

boost::asio::awaitable<Result<WorkflowDraft>> RoutingWorkflowService::save_draft(
    const nlohmann::json& document, long long expected_revision, std::optional<domain::Id> by) {
  if (!document.is_object()) co_return Error::invalid("the workflow is a JSON object", "");
  auto text = document.dump();
  if (text.size() > kMaxWorkflowDocumentBytes) {
    co_return Error{ErrorCode::too_large, "the workflow document is larger than 4 MiB", {}};
  }
  co_return co_await store_.save_draft(std::move(text), expected_revision, by);
}

std::vector<WorkflowError> RoutingWorkflowService::validate(const nlohmann::json& document) {
  return compile_workflow(document, 0).errors;
}

boost::asio::awaitable<Result<ActivationOutcome>> RoutingWorkflowService::activate(
    std::optional<domain::Id> by) {
  auto draft = co_await store_.draft();
  if (!draft) co_return draft.error();
  if (draft->document.empty()) co_return Error::not_found("no draft to activate");
  const auto document = nlohmann::json::parse(draft->document, nullptr, false);
  ActivationOutcome outcome;
  outcome.errors = compile_workflow(document, 0).errors;
  if (!outcome.errors.empty()) co_return outcome;
  auto version = co_await store_.add_active_version(draft->document, by);
  if (!version) co_return version.error();
  outcome.version = *version;
  auto compiled = compile_workflow(document, *version);
  install(compiled.workflow);
  bus_.publish(kWorkflowTopic, std::to_string(*version));
  co_return outcome;
}

boost::asio::awaitable<Result<int>> RoutingWorkflowService::rollback(std::optional<int> version,
                                                                     std::optional<domain::Id> by) {
  int target = 0;
  if (version) {
    target = *version;
  } else {
    auto current = co_await store_.active_version();
    if (!current) co_return current.error();
    auto all = co_await store_.versions(1000);
    if (!all) co_return all.error();
    for (const auto& v : *all) {  // newest first: the first one older than the active
      if (v.version < *current) {
        target = v.version;
        break;
      }
    }
    if (target == 0) co_return Error::conflict("no earlier version to roll back to");
  }
  auto stored = co_await store_.version(target);
  if (!stored) co_return stored.error();
  auto compiled = compile_workflow(nlohmann::json::parse(stored->document, nullptr, false), target);
  if (!compiled.workflow) co_return Error::conflict("that version no longer compiles");
  auto set = co_await store_.set_active(target, by);
  if (!set) co_return set.error();
  install(compiled.workflow);
  bus_.publish(kWorkflowTopic, std::to_string(target));
  co_return target;
}

boost::asio::awaitable<Result<std::vector<WorkflowVersion>>> RoutingWorkflowService::versions() {
  co_return co_await store_.versions(200);
}

std::shared_ptr<const CompiledWorkflow> RoutingWorkflowService::active() const {
  std::lock_guard lock(mutex_);
  return active_;
}

void RoutingWorkflowService::install(std::shared_ptr<const CompiledWorkflow> workflow) {
  if (!workflow) return;
  std::lock_guard lock(mutex_);
  active_ = std::move(workflow);
}

boost::asio::awaitable<void> RoutingWorkflowService::refresh() {
  auto version = co_await store_.active_version();
  if (!version) co_return;  // database down: keep what we have
  if (*version == active()->version) co_return;
  co_await load(*version);
}

boost::asio::awaitable<void> RoutingWorkflowService::load(int version) {
  if (version == 0) {
    install(builtin_workflow());
    co_return;
  }
  auto stored = co_await store_.version(version);
  if (!stored) co_return;
  auto compiled = compile_workflow(nlohmann::json::parse(stored->document, nullptr, false), version);
  if (!compiled.workflow) {
    spdlog::error("routing: active workflow version {} does not compile; keeping version {}", version,
                  active()->version);
    co_return;
  }
  install(compiled.workflow);
  spdlog::info("routing: workflow version {} active", version);
}

void RoutingWorkflowService::subscribe() {
  bus_.subscribe(kWorkflowTopic, [this](const std::string&) {
    // Runs on a bus I/O thread: hand the store round-trip to a coroutine.
    async::spawn_logged(executor_, refresh(), "routing workflow refresh");
  });
}

}  // namespace cc::services
