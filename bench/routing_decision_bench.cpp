// One routing decision end to end, in memory: classify the message (100 intents), score its
// sentiment, evaluate a workflow of 500 rules, build the plan and choose an agent by scanning
// 1,000 in-memory agents (skills, presence, capacity, longest idle) the way a TaskQueue would.
// Prints p50/p99/max per decision; never passes or fails (target: p99 < 1 ms).
// Usage: routing_decision_bench [data_dir]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "cc/routing/intent_csv.hpp"
#include "cc/routing/opencc_converter.hpp"
#include "cc/services/routing_facts.hpp"
#include "cc/services/routing_setup.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace cc;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct Agent {
  domain::Id id;
  std::vector<std::string> skills;
  bool online;
  int load;
  int capacity;
  std::int64_t idle_since;
};

// The candidate scan a TaskQueue does for one step: eligible agents, longest idle first.
std::optional<domain::Id> choose_agent(const std::vector<Agent>& agents, const services::RoutingStep& step) {
  const Agent* best = nullptr;
  for (const auto& agent : agents) {
    if (!agent.online || agent.load >= agent.capacity) continue;
    if (step.agent_id && *step.agent_id != agent.id) continue;
    const bool skilled = std::all_of(step.skills.begin(), step.skills.end(), [&](const std::string& s) {
      return std::find(agent.skills.begin(), agent.skills.end(), s) != agent.skills.end();
    });
    if (!skilled) continue;
    if (!best || agent.idle_since < best->idle_since) best = &agent;
  }
  return best ? std::optional<domain::Id>(best->id) : std::nullopt;
}

std::string rule_condition(int i, const std::vector<std::string>& intents) {
  static const char* kChannels[] = {"wechat", "sms", "email", "webchat", "voice"};
  const std::string intent = intents[static_cast<std::size_t>(i) % intents.size()];
  const std::string channel = kChannels[i % 5];
  switch (i % 5) {
    case 0: return "intent == '" + intent + "' AND channel == '" + channel + "' AND customer.tier == 'gold'";
    case 1: return "intent IN ['" + intent + "', 'other'] AND customer.tags HAS 'vip' AND queue.length < " + std::to_string(i);
    case 2: return "NOT (time.hour >= 0 AND time.hour < 24) OR customer.tier == 'gold' AND message_count > " + std::to_string(i % 7);
    case 3: return "text MATCHES \"(?i)(lawyer|律师|" + intent + "zz)\" AND sentiment == 'negative'";
    default: return "customer.attributes.city STARTS_WITH 'Sh' AND language NOT IN ['en', 'zh']";
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string data = argc > 1 ? argv[1] : CC_DATA_DIR;
  auto setup = services::load_routing_data(data);
  auto examples = setup.shipped_examples;
  const auto heldout = routing::parse_intent_csv(read_file(data + "/intents/heldout.csv")).examples;
  if (examples.empty() || heldout.empty()) {
    std::fprintf(stderr, "cannot read %s/intents\n", data.c_str());
    return 1;
  }
  // 100 intents: the shipped ones plus synthetic ones with their own vocabulary.
  std::mt19937 random(7);
  std::set<std::string> names;
  for (const auto& e : examples) names.insert(e.intent);
  for (int k = 0; names.size() < 100; ++k) {
    const std::string intent = "product_" + std::to_string(k);
    names.insert(intent);
    for (int j = 0; j < 20; ++j) {
      examples.push_back({"question about gadget" + std::to_string(k) + " model " + std::to_string(random() % 50) +
                              " feature" + std::to_string(random() % 9),
                          intent});
    }
  }
  const std::vector<std::string> intents(names.begin(), names.end());
  auto trained = routing::train_intent_model(examples, {}, setup.train_options);
  if (!trained.model) return 1;
  const auto& model = *trained.model;

  nlohmann::json document{{"default", {{"steps", {{{"queue", "general"}, {"skills", {"general"}}}}}}}};
  auto rules = nlohmann::json::array();
  for (int i = 0; i < 500; ++i) {
    rules.push_back({{"name", "rule" + std::to_string(i)}, {"when", rule_condition(i, intents)},
                     {"steps", {{{"queue", "q" + std::to_string(i % 20)}, {"skills", {"skill" + std::to_string(i % 30)}}, {"timeout", 60}},
                                {{"queue", "general"}}}}});
  }
  document["rules"] = std::move(rules);
  const auto compile_start = Clock::now();
  const auto compiled = services::compile_workflow(document, 1);
  const auto compile_ms = std::chrono::duration<double, std::milli>(Clock::now() - compile_start).count();
  if (!compiled.workflow) {
    std::fprintf(stderr, "workflow: %s %s\n", compiled.errors[0].pointer.c_str(), compiled.errors[0].message.c_str());
    return 1;
  }
  const auto& workflow = *compiled.workflow;

  std::vector<Agent> agents;
  for (int i = 0; i < 1000; ++i) {
    Agent a{i + 1, {"general", "skill" + std::to_string(i % 30), "skill" + std::to_string((i * 7) % 30)},
            i % 4 != 0, static_cast<int>(random() % 6), 5, static_cast<std::int64_t>(random() % 100000)};
    agents.push_back(std::move(a));
  }

  struct NoQueues final : services::QueueStatsSource {
    std::optional<services::QueueStats> stats(std::string_view) const override { return services::QueueStats{3, 12}; }
  } queues;
  std::vector<double> micros;
  std::size_t queued = 0;
  std::size_t chosen = 0;
  const auto now = std::chrono::system_clock::now();
  for (int round = 0; round < 20; ++round) {
    for (std::size_t m = 0; m < heldout.size(); ++m) {
      const auto t0 = Clock::now();
      services::TaskContext task;
      task.channel = "webchat";
      task.text = heldout[m].text;
      const auto intent = model.classify(task.text, 3);
      task.intent = intent.intent;
      task.intent_confidence = intent.confidence;
      if (setup.sentiment) {
        const auto s = setup.sentiment->analyze(task.text);
        task.sentiment = std::string(routing::to_string(s.label));
        task.sentiment_score = s.score;
      }
      task.language = services::detect_language(task.text);
      task.customer.tier = m % 3 == 0 ? "gold" : "standard";
      task.customer.tags = {"vip"};
      task.customer.attributes = {{"city", "Beijing"}};
      const services::TaskFacts facts(task, &queues, workflow, now);
      const auto choice = services::choose_rule(workflow, facts, now);
      const auto plan = services::build_plan(workflow, *choice.rule, facts,
                                             services::PlanInput{1, domain::Channel::webchat, task.language, std::nullopt, now});
      if (plan) {
        ++queued;
        if (choose_agent(agents, plan->steps.front())) ++chosen;
      }
      micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
  }
  std::sort(micros.begin(), micros.end());
  const auto pct = [&](double p) { return micros[static_cast<std::size_t>(p * static_cast<double>(micros.size() - 1))]; };
  std::printf("intents %zu (%zu examples), rules %zu, agents %zu; workflow compile %.1f ms\n",
              model.intents().size(), model.example_count(), workflow.rules.size(), agents.size(), compile_ms);
  std::printf("decisions %zu (queued %zu, agent found %zu): p50 %.1f us, p99 %.1f us, max %.1f us\n",
              micros.size(), queued, chosen, pct(0.50), pct(0.99), micros.back());
  return 0;
}
