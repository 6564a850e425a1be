// The routing workflow: compile errors with pointers and positions, rule selection, steps
// (skip_if, last agent, timeouts with an injected clock), priority aging, business hours.
#include <gtest/gtest.h>

#include "cc/services/assignment_matcher.hpp"
#include "cc/services/routing_facts.hpp"
#include "cc/services/routing_workflow.hpp"

namespace cc::services {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

domain::TimePoint at_utc(int year, unsigned month, unsigned day, int hour, int minute = 0) {
  const auto date = std::chrono::sys_days(std::chrono::year(year) / month / day);
  return domain::TimePoint(date) + std::chrono::hours(hour) + std::chrono::minutes(minute);
}

class FakeQueues final : public QueueStatsSource {
 public:
  std::optional<QueueStats> stats(std::string_view queue) const override {
    if (queue == "busy") return QueueStats{80, 600};
    if (queue == "vip") return QueueStats{2, 10};
    return std::nullopt;
  }
};

std::shared_ptr<const CompiledWorkflow> compile_ok(const json& document, int version = 3) {
  auto result = compile_workflow(document, version);
  EXPECT_TRUE(result.errors.empty()) << (result.errors.empty() ? "" : result.errors[0].pointer + ": " + result.errors[0].message);
  return result.workflow;
}

const json kWorkflow = json::parse(R"({
  "rules": [
    {"name": "spam", "when": "text MATCHES \"(?i)buy now|casino\"", "actions": {"block": true}},
    {"name": "vip refund", "when": "intent == 'refund' AND customer.tier == 'vip'",
     "steps": [{"agent": "last_agent", "timeout": 30},
               {"queue": "vip", "skills": ["refund"], "priority": 800, "timeout": 120},
               {"queue": "busy", "skip_if": "queue.length > 50"},
               {"queue": "general", "priority_bump": 100}]},
    {"name": "angry", "when": "sentiment == 'negative' OR customer.tags HAS 'complained'",
     "steps": [{"queue": "care"}], "actions": {"notify_supervisor": true, "tags": ["angry"]}},
    {"name": "night", "when": "channel == 'sms'", "any_time": true, "steps": [{"queue": "sms"}]}
  ],
  "default": {"steps": [{"queue": "general"}]},
  "when_exhausted": {"action": "close", "message": "Sorry, nobody is free."},
  "priority_aging": {"every_seconds": 60, "bump": 10, "max": 900}
})");

TaskContext task_with(std::string intent, std::string tier, std::string text = "hello") {
  TaskContext task;
  task.channel = "webchat";
  task.intent = std::move(intent);
  task.customer.tier = std::move(tier);
  task.text = std::move(text);
  return task;
}

TEST(RoutingWorkflow, ConditionErrorsCarryPointerLineAndColumn) {
  const auto document = json::parse(R"({
    "rules": [
      {"name": "ok", "when": "intent == 'refund'", "steps": [{"queue": "a"}]},
      {"name": "bad", "when": "intent ==\n  AND tier == 'vip'", "steps": [{"queue": "a"}]},
      {"name": "unknown", "when": "colour == 'red'", "steps": [{"queue": "a", "skip_if": "queue.length >"}]}
    ],
    "default": {"steps": [{"queue": "default"}]}
  })");
  const auto result = compile_workflow(document, 1);
  ASSERT_FALSE(result.workflow);
  ASSERT_GE(result.errors.size(), 3u);
  const auto find = [&](const std::string& pointer) {
    for (const auto& e : result.errors) if (e.pointer == pointer) return &e;
    return static_cast<const WorkflowError*>(nullptr);
  };
  const auto* bad = find("/rules/1/when");
  ASSERT_NE(bad, nullptr);
  ASSERT_TRUE(bad->position);
  EXPECT_EQ(bad->position->line, 2u);
  EXPECT_EQ(bad->position->column, 3u);  // "AND" where an operand was expected
  const auto* unknown = find("/rules/2/when");
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->position->column, 1u);
  EXPECT_NE(unknown->message.find("unknown"), std::string::npos);
  EXPECT_NE(find("/rules/2/steps/0/skip_if"), nullptr);
}

TEST(RoutingWorkflow, StructuralErrorsNameTheirField) {
  const auto document = json::parse(R"({
    "rules": [{"name": "x", "when": "TRUE", "steps": [{"queue": "a", "priority": 5000, "agent": "bob"}], "colour": 1}],
    "when_exhausted": {"action": "explode"},
    "business_hours": {"zone": "Mars/Base", "weekly": {"funday": ["09:00-18:00"]}}
  })");
  const auto result = compile_workflow(document, 1);
  std::vector<std::string> pointers;
  for (const auto& e : result.errors) pointers.push_back(e.pointer);
  for (const char* expected : {"/default", "/rules/0/colour", "/rules/0/steps/0/priority",
                               "/rules/0/steps/0/agent", "/when_exhausted/action",
                               "/business_hours/zone", "/business_hours/weekly/funday"}) {
    EXPECT_NE(std::find(pointers.begin(), pointers.end(), expected), pointers.end()) << expected;
  }
}

TEST(RoutingWorkflow, FirstMatchingRuleWinsAndTheDefaultCatchesTheRest) {
  const auto workflow = compile_ok(kWorkflow);
  ASSERT_TRUE(workflow);
  FakeQueues queues;
  const auto now = at_utc(2026, 11, 23, 10);
  auto spam = task_with("refund", "vip", "BUY NOW cheap watches");
  EXPECT_EQ(choose_rule(*workflow, TaskFacts(spam, &queues, *workflow, now), now).rule->name, "spam");
  auto vip = task_with("refund", "vip");
  EXPECT_EQ(choose_rule(*workflow, TaskFacts(vip, &queues, *workflow, now), now).rule->name, "vip refund");
  auto tagged = task_with("refund", "standard");
  tagged.customer.tags = {"complained"};
  EXPECT_EQ(choose_rule(*workflow, TaskFacts(tagged, &queues, *workflow, now), now).rule->name, "angry");
  auto plain = task_with("invoice", "standard");
  const auto choice = choose_rule(*workflow, TaskFacts(plain, &queues, *workflow, now), now);
  EXPECT_EQ(choice.rule->name, "default");
  EXPECT_EQ(choice.index, -1);
}

TEST(RoutingWorkflow, PlanDropsSkippedStepsAndResolvesTheLastAgent) {
  const auto workflow = compile_ok(kWorkflow, 7);
  FakeQueues queues;
  const auto now = at_utc(2026, 11, 23, 10);
  auto task = task_with("refund", "vip");
  TaskFacts facts(task, &queues, *workflow, now);
  const auto& rule = workflow->rules[1];
  std::vector<std::string> skipped;
  auto plan = build_plan(*workflow, rule, facts, PlanInput{42, domain::Channel::wechat, "zh", std::nullopt, now}, &skipped);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->workflow_version, 7);
  EXPECT_EQ(plan->rule, "vip refund");
  ASSERT_EQ(plan->steps.size(), 2u);  // no last agent; "busy" skipped (80 waiting > 50)
  EXPECT_EQ(plan->steps[0].queue, "vip");
  EXPECT_EQ(plan->steps[0].skills, std::vector<std::string>{"refund"});
  EXPECT_EQ(plan->steps[0].priority, 800);
  EXPECT_EQ(plan->steps[1].queue, "general");
  EXPECT_EQ(plan->steps[1].priority_bump, 100);
  EXPECT_EQ(plan->when_exhausted, RoutingPlan::WhenExhausted::close);
  EXPECT_EQ(plan->close_message, "Sorry, nobody is free.");
  ASSERT_EQ(skipped.size(), 2u);

  auto known = build_plan(*workflow, rule, facts, PlanInput{42, domain::Channel::wechat, "zh", domain::Id{9}, now});
  ASSERT_TRUE(known);
  ASSERT_EQ(known->steps.size(), 3u);
  EXPECT_EQ(known->steps[0].agent_id, domain::Id{9});
  EXPECT_EQ(known->steps[0].queue, "default");  // inherits the exhausted queue
  EXPECT_EQ(known->steps[0].timeout, 30s);
}

// The plan a rule produces, read by the assignment engine's clock-driven active_step(): step
// timeouts count from entry, so the workflow's [30 s, 120 s, none] means 0-30, 30-120, then on.
TEST(RoutingWorkflow, StepTimeoutsOfABuiltPlanCountFromEntryWithAnInjectedClock) {
  const auto workflow = compile_ok(kWorkflow);
  FakeQueues queues;
  const auto entered = at_utc(2026, 1, 1, 12);
  auto task = task_with("refund", "vip");
  TaskFacts facts(task, &queues, *workflow, entered);
  auto plan = build_plan(*workflow, workflow->rules[1], facts,
                         PlanInput{1, domain::Channel::webchat, "en", domain::Id{9}, entered});
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->steps.size(), 3u);  // last agent (30 s), vip (120 s), general
  const auto at = [&](std::chrono::seconds waited) { return active_step(*plan, entered + waited); };
  EXPECT_EQ(at(0s).index, 0u);
  EXPECT_EQ(at(0s).step.agent_id, domain::Id{9});
  EXPECT_EQ(at(29s).index, 0u);
  EXPECT_EQ(at(30s).index, 1u);
  EXPECT_EQ(at(30s).step.queue, "vip");
  EXPECT_EQ(at(119s).index, 1u);
  EXPECT_EQ(at(120s).index, 2u);
  EXPECT_EQ(at(120s).step.queue, "general");
  EXPECT_FALSE(at(100000s).exhausted);  // the last step has no timeout
}

TEST(RoutingWorkflow, PriorityAgesInStepsUpToTheCap) {
  const PriorityAging aging{60s, 10, 900};
  const auto entered = at_utc(2026, 1, 1, 12);
  EXPECT_EQ(aged_priority(500, aging, entered, entered + 59s), 500);
  EXPECT_EQ(aged_priority(500, aging, entered, entered + 60s), 510);
  EXPECT_EQ(aged_priority(500, aging, entered, entered + 3600s), 900);
  EXPECT_EQ(aged_priority(950, aging, entered, entered + 3600s), 950);  // never lowered
  EXPECT_EQ(aged_priority(500, PriorityAging{}, entered, entered + 3600s), 500);
}

TEST(RoutingWorkflow, OutsideBusinessHoursOnlyAnyTimeRulesApply) {
  auto document = kWorkflow;
  document["business_hours"] = json::parse(R"({"zone": "+08:00",
    "weekly": {"mon": ["09:00-18:00"], "tue": ["09:00-18:00"]}, "holidays": ["2026-11-24"],
    "outside_hours": {"action": "ticket", "message": "We are closed."}})");
  const auto workflow = compile_ok(document);
  ASSERT_TRUE(workflow && workflow->calendar);
  FakeQueues queues;
  auto vip = task_with("refund", "vip");
  const auto open = at_utc(2026, 11, 23, 2);    // Monday 10:00 in +08:00
  const auto closed = at_utc(2026, 11, 23, 12);  // Monday 20:00 in +08:00
  EXPECT_EQ(choose_rule(*workflow, TaskFacts(vip, &queues, *workflow, open), open).rule->name, "vip refund");
  const auto night = choose_rule(*workflow, TaskFacts(vip, &queues, *workflow, closed), closed);
  EXPECT_TRUE(night.outside_hours);
  EXPECT_EQ(night.rule->name, "default");
  auto sms = task_with("refund", "vip");
  sms.channel = "sms";
  EXPECT_EQ(choose_rule(*workflow, TaskFacts(sms, &queues, *workflow, closed), closed).rule->name, "night");

  TaskFacts facts(vip, &queues, *workflow, open);
  EXPECT_EQ(facts.lookup("time.hour")->as_number(), 10);
  EXPECT_EQ(facts.lookup("time.weekday")->as_string(), "mon");
  EXPECT_EQ(facts.lookup("time.date")->as_string(), "2026-11-23");
  EXPECT_TRUE(facts.lookup("time.business_hours")->as_boolean());
  const auto holiday = at_utc(2026, 11, 24, 2);  // Tuesday, a holiday
  EXPECT_TRUE(TaskFacts(vip, &queues, *workflow, holiday).lookup("time.holiday")->as_boolean());
  EXPECT_FALSE(TaskFacts(vip, &queues, *workflow, holiday).lookup("time.business_hours")->as_boolean());
}

TEST(RoutingWorkflow, QueueFactsFollowTheStepBeingConsidered) {
  const auto workflow = compile_ok(kWorkflow);
  FakeQueues queues;
  auto task = task_with("x", "standard");
  task.customer.attributes = json{{"city", "Shanghai"}, {"orders", 12}};
  TaskFacts facts(task, &queues, *workflow, at_utc(2026, 1, 1, 0));
  EXPECT_FALSE(facts.lookup("queue.length"));  // "default" is unknown to the fake
  EXPECT_EQ(facts.for_queue("busy").lookup("queue.length")->as_number(), 80);
  EXPECT_EQ(facts.for_queue("vip").lookup("queue.oldest_wait")->as_number(), 10);
  EXPECT_EQ(facts.lookup("customer.attributes.city")->as_string(), "Shanghai");
  EXPECT_EQ(facts.lookup("customer.attributes.orders")->as_number(), 12);
  EXPECT_FALSE(facts.lookup("customer.attributes.missing"));
}

TEST(RoutingWorkflow, LanguageDetection) {
  EXPECT_EQ(detect_language("我要退货"), "zh");
  EXPECT_EQ(detect_language("where is my order"), "en");
  EXPECT_EQ(detect_language("12345 !!"), "");
}

}  // namespace
}  // namespace cc::services
