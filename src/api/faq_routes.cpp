// /api/v1/faq: FAQ entries (question variants, answer per language, tags), written by
// supervisors and admins, read by every agent; suggestions for the workbench.
#include "cc/api/bot_routes.hpp"
#include "cc/api/json_body.hpp"
#include "cc/api/request_auth.hpp"
#include "cc/api/route_table.hpp"
#include "cc/problem/problem.hpp"

namespace cc::api {
namespace {

using boost::asio::awaitable;
using net::http::status;
using problem::json_response;
using problem::problem_response;

constexpr std::size_t kMaxTags = 20;
constexpr std::size_t kMaxLanguages = 20;
constexpr std::size_t kMaxQueryBytes = 2000;

nlohmann::json entry_json(const services::StoredFaq& faq) {
  return {{"id", std::to_string(faq.id)},
          {"questions", faq.entry.questions},
          {"answers", faq.entry.answers},
          {"tags", faq.entry.tags}};
}

Result<std::vector<std::string>> string_array(const nlohmann::json& body, const char* key, std::size_t max_items,
                                              std::size_t max_bytes, bool required) {
  std::vector<std::string> out;
  const auto it = body.find(key);
  const std::string pointer = std::string("/") + key;
  if (it == body.end() || it->is_null()) {
    if (required) return Error::invalid(std::string(key) + " is required", pointer);
    return out;
  }
  if (!it->is_array() || it->size() > max_items || (required && it->empty())) {
    return Error::invalid(std::string(key) + " must be an array of 1.." + std::to_string(max_items) + " strings",
                          pointer);
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& v = (*it)[i];
    if (!v.is_string() || v.get_ref<const std::string&>().empty() || v.get_ref<const std::string&>().size() > max_bytes) {
      return Error::invalid("must be a non-empty string of at most " + std::to_string(max_bytes) + " bytes",
                            pointer + "/" + std::to_string(i));
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<services::FaqEntry> entry_of(const nlohmann::json& body) {
  services::FaqEntry entry;
  auto questions = string_array(body, "questions", services::kMaxFaqQuestions, services::kMaxFaqTextBytes, true);
  if (!questions) return questions.error();
  entry.questions = std::move(*questions);
  const auto answers = body.find("answers");
  if (answers == body.end() || !answers->is_object() || answers->empty() || answers->size() > kMaxLanguages) {
    return Error::invalid("answers must be an object of language -> answer, e.g. {\"zh\": .., \"en\": ..}",
                          "/answers");
  }
  for (const auto& [language, text] : answers->items()) {
    if (language.empty() || language.size() > 16) return Error::invalid("a language is 1..16 characters", "/answers");
    if (!text.is_string() || text.get_ref<const std::string&>().empty() ||
        text.get_ref<const std::string&>().size() > services::kMaxFaqTextBytes) {
      return Error::invalid("an answer is a non-empty string of at most 4000 bytes", "/answers/" + language);
    }
    entry.answers[language] = text.get<std::string>();
  }
  auto tags = string_array(body, "tags", kMaxTags, 64, false);
  if (!tags) return tags.error();
  entry.tags = std::move(*tags);
  return entry;
}

awaitable<net::Response> list(BotApiContext& b, net::RequestContext& context) {
  auto principal = co_await authenticate(context, b.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto entries = co_await b.bot.list_faq();
  if (!entries) co_return problem_response(context.request, entries.error());
  auto items = nlohmann::json::array();
  for (const auto& e : *entries) items.push_back(entry_json(e));
  co_return json_response(context.request, status::ok, nlohmann::json{{"items", std::move(items)}});
}

awaitable<net::Response> save(BotApiContext& b, net::RequestContext& context, bool create) {
  auto principal = co_await authenticate_role(context, b.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  std::optional<domain::Id> id;
  if (!create) {
    auto path = path_id(context);
    if (!path) co_return problem_response(context.request, path.error());
    id = *path;
  }
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto entry = entry_of(*body);
  if (!entry) co_return problem_response(context.request, entry.error());
  if (create) {
    auto entries = co_await b.bot.list_faq();
    if (entries && entries->size() >= services::kMaxFaqEntries) {
      co_return problem_response(context.request, Error::conflict("at most 5000 FAQ entries"));
    }
  }
  auto saved = co_await b.bot.save_faq(id, std::move(*entry));
  if (!saved) co_return problem_response(context.request, saved.error());
  co_return json_response(context.request, create ? status::created : status::ok, entry_json(*saved));
}

awaitable<net::Response> remove(BotApiContext& b, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, b.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto deleted = co_await b.bot.delete_faq(*id);
  if (!deleted) co_return problem_response(context.request, deleted.error());
  co_return net::make_response(context.request, status::no_content, "", "application/json");
}

awaitable<net::Response> suggestions(BotApiContext& b, net::RequestContext& context) {
  auto principal = co_await authenticate(context, b.api.auth);
  if (!principal) co_return problem_response(context.request, principal.error());
  const auto q = context.query("q").value_or("");
  if (q.size() > kMaxQueryBytes) {
    co_return problem_response(context.request, Error::invalid("q is at most 2000 bytes", "q"));
  }
  const auto lang = context.query("lang").value_or("zh");
  if (lang.size() > 16) co_return problem_response(context.request, Error::invalid("lang is a language code", "lang"));
  std::size_t limit = 3;
  if (const auto text = context.query("limit")) {
    const auto parsed = parse_id(*text);
    if (!parsed || *parsed < 1 || *parsed > 10) {
      co_return problem_response(context.request, Error::invalid("limit is 1..10", "limit"));
    }
    limit = static_cast<std::size_t>(*parsed);
  }
  auto items = nlohmann::json::array();
  if (!q.empty()) {
    for (const auto& s : b.bot.suggestions(q, lang, limit)) {
      items.push_back({{"id", std::to_string(s.id)}, {"question", s.question}, {"answer", s.answer}, {"score", s.score}});
    }
  }
  co_return json_response(context.request, status::ok, nlohmann::json{{"items", std::move(items)}});
}

awaitable<net::Response> create(BotApiContext& b, net::RequestContext& context) { return save(b, context, true); }
awaitable<net::Response> update(BotApiContext& b, net::RequestContext& context) { return save(b, context, false); }

}  // namespace

void add_faq_routes(net::Router& router, BotApiContext& context) {
  using net::http::verb;
  add_route_table<BotApiContext>(router, context,
                                 {{verb::get, "/api/v1/faq", &list},
                                  {verb::post, "/api/v1/faq", &create},
                                  {verb::get, "/api/v1/faq/suggestions", &suggestions},
                                  {verb::put, "/api/v1/faq/{id}", &update},
                                  {verb::delete_, "/api/v1/faq/{id}", &remove}});
}

}  // namespace cc::api
