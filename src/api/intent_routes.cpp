// /api/v1/intents: admin definitions and CSV examples, training, and classify for any agent.
#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/api/route_table.hpp"
#include "cc/api/routing_routes.hpp"
#include "cc/problem/problem.hpp"
#include "cc/routing/intent_csv.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
using net::http::status;
using problem::json_response;
using problem::problem_response;

constexpr std::size_t kMaxIntentItems = 200;  // keywords/patterns/examples per intent, each
constexpr std::size_t kMaxClassifyBytes = 8000;

nlohmann::json definition_json(const services::IntentDefinition& d) {
  return {{"name", d.name}, {"description", d.description}, {"keywords", d.keywords}, {"patterns", d.patterns}};
}

Result<std::vector<std::string>> strings_at(const nlohmann::json& item, const char* key,
                                            const std::string& pointer, std::size_t max_bytes) {
  std::vector<std::string> out;
  const auto it = item.find(key);
  if (it == item.end() || it->is_null()) return out;
  if (!it->is_array() || it->size() > kMaxIntentItems) {
    return Error::invalid(std::string(key) + " must be an array of at most 200 strings", pointer + "/" + key);
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& value = (*it)[i];
    if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
        value.get_ref<const std::string&>().size() > max_bytes) {
      return Error::invalid("must be a non-empty string of at most " + std::to_string(max_bytes) + " bytes",
                            pointer + "/" + key + "/" + std::to_string(i));
    }
    out.push_back(value.get<std::string>());
  }
  return out;
}

Result<std::vector<services::IntentDefinition>> definitions_of(const nlohmann::json& body) {
  const auto list = body.find("intents");
  if (list == body.end() || !list->is_array()) {
    return Error::invalid("intents must be an array", "/intents");
  }
  if (list->size() > services::kMaxIntentDefinitions) return Error::invalid("at most 1000 intents", "/intents");
  std::vector<services::IntentDefinition> out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& item = (*list)[i];
    const auto pointer = "/intents/" + std::to_string(i);
    if (!item.is_object()) return Error::invalid("an intent is an object", pointer);
    services::IntentDefinition d;
    auto name = required_string(item, "name", 64);
    if (!name) return Error::invalid(name.error().detail, pointer + "/name");
    d.name = std::move(*name);
    auto description = optional_string(item, "description", 1000);
    if (!description) return Error::invalid(description.error().detail, pointer + "/description");
    d.description = description->value_or("");
    auto keywords = strings_at(item, "keywords", pointer, routing::kMaxRuleKeywordBytes);
    if (!keywords) return keywords.error();
    d.keywords = std::move(*keywords);
    auto patterns = strings_at(item, "patterns", pointer, routing::kMaxRulePatternBytes);
    if (!patterns) return patterns.error();
    d.patterns = std::move(*patterns);
    auto examples = strings_at(item, "examples", pointer, routing::kMaxExampleTextBytes);
    if (!examples) return examples.error();
    d.examples = std::move(*examples);
    out.push_back(std::move(d));
  }
  return out;
}

awaitable<net::Response> list(RoutingApiContext& r, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, r.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto definitions = co_await r.intents.definitions();
  if (!definitions) co_return problem_response(context.request, definitions.error());
  auto items = nlohmann::json::array();
  for (const auto& d : *definitions) items.push_back(definition_json(d));
  const auto model = r.intents.model();
  nlohmann::json body{{"intents", std::move(items)}};
  body["model_intents"] = model ? model->intents() : std::vector<std::string>{};
  body["model_examples"] = model ? model->example_count() : std::size_t{0};
  co_return json_response(context.request, status::ok, body);
}

awaitable<net::Response> put(RoutingApiContext& r, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, r.api.auth, domain::Role::admin);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto definitions = definitions_of(*body);
  if (!definitions) co_return problem_response(context.request, definitions.error());
  auto saved = co_await r.intents.put_definitions(*definitions);
  if (!saved) co_return problem_response(context.request, saved.error());
  auto items = nlohmann::json::array();
  for (const auto& d : *definitions) items.push_back(definition_json(d));
  co_return json_response(context.request, status::ok, nlohmann::json{{"intents", std::move(items)}});
}

awaitable<net::Response> put_examples(RoutingApiContext& r, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, r.api.auth, domain::Role::admin);
  if (!principal) co_return problem_response(context.request, principal.error());
  const auto type = context.header("Content-Type").value_or("");
  if (type.substr(0, 8) != "text/csv") {
    co_return problem_response(context.request, Error{ErrorCode::unsupported_media,
                                                      "send text/csv with the header text,intent", {}});
  }
  auto parsed = routing::parse_intent_csv(context.request.body());
  if (!parsed.errors.empty()) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : parsed.errors) errors.push_back({{"line", e.line}, {"detail", e.message}});
    nlohmann::json problem{{"type", "https://contact-center.dev/problems/invalid"},
                           {"title", "Invalid request"},
                           {"status", 422},
                           {"detail", "line " + std::to_string(parsed.errors.front().line) + ": " +
                                          parsed.errors.front().message},
                           {"errors", std::move(errors)}};
    co_return net::make_response(context.request, status::unprocessable_entity, problem.dump(),
                                 "application/problem+json");
  }
  const auto count = parsed.examples.size();
  auto saved = co_await r.intents.put_examples(std::move(parsed.examples));
  if (!saved) co_return problem_response(context.request, saved.error());
  co_return json_response(context.request, status::ok, nlohmann::json{{"examples", count}});
}

awaitable<net::Response> train(RoutingApiContext& r, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, r.api.auth, domain::Role::admin);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto info = co_await r.intents.train();
  if (!info) co_return problem_response(context.request, info.error());
  co_return json_response(context.request, status::ok,
                          nlohmann::json{{"status", "ready"},
                                         {"examples", info->examples},
                                         {"intents", info->intents},
                                         {"rules", info->rules},
                                         {"train_ms", info->train_ms}});
}

awaitable<net::Response> classify(RoutingApiContext& r, net::RequestContext& context) {
  auto principal = co_await authenticate(context, r.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto text = required_string(*body, "text", kMaxClassifyBytes);
  if (!text) co_return problem_response(context.request, text.error());
  const auto result = r.intents.classify(*text, 5);
  auto top = nlohmann::json::array();
  for (const auto& s : result.top_k) top.push_back({{"intent", s.intent}, {"confidence", s.confidence}});
  co_return json_response(context.request, status::ok,
                          nlohmann::json{{"intent", result.intent},
                                         {"confidence", result.confidence},
                                         {"matched_rule", result.matched_rule},
                                         {"top_k", std::move(top)}});
}

}  // namespace

void add_intent_routes(net::Router& router, RoutingApiContext& context) {
  using net::http::verb;
  add_route_table<RoutingApiContext>(router, context,
                                     {{verb::get, "/api/v1/intents", &list},
                                      {verb::put, "/api/v1/intents", &put},
                                      {verb::put, "/api/v1/intents/examples", &put_examples},
                                      {verb::post, "/api/v1/intents/train", &train},
                                      {verb::post, "/api/v1/intents/classify", &classify}});
}

}  // namespace cc::api
