// /api/v1/sensitive-words: the admin list (replaced as a whole) and the hits flagged for
// compliance review (supervisors list them and mark them reviewed).
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

constexpr std::size_t kMaxWordBytes = 256;

Result<std::vector<services::StoredSensitiveWord>> words_of(const nlohmann::json& body) {
  const auto list = body.find("words");
  if (list == body.end() || !list->is_array()) return Error::invalid("words must be an array", "/words");
  if (list->size() > 10000) return Error::invalid("at most 10000 words", "/words");
  std::vector<services::StoredSensitiveWord> out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& item = (*list)[i];
    const auto pointer = "/words/" + std::to_string(i);
    services::StoredSensitiveWord word;
    if (item.is_string()) {
      word.word = item.get<std::string>();
    } else if (item.is_object()) {
      auto text = required_string(item, "word", kMaxWordBytes);
      if (!text) return Error::invalid(text.error().detail, pointer + "/word");
      word.word = std::move(*text);
      auto category = optional_string(item, "category", 64);
      if (!category) return Error::invalid(category.error().detail, pointer + "/category");
      word.category = category->value_or("");
      auto mask = optional_bool(item, "mask");
      if (!mask) return Error::invalid(mask.error().detail, pointer + "/mask");
      word.mask = mask->value_or(true);
    } else {
      return Error::invalid("a word is a string or {word, category, mask}", pointer);
    }
    if (word.word.empty() || word.word.size() > kMaxWordBytes) {
      return Error::invalid("a word is 1..256 bytes", pointer);
    }
    out.push_back(std::move(word));
  }
  return out;
}

nlohmann::json words_json(const std::vector<services::StoredSensitiveWord>& words) {
  auto items = nlohmann::json::array();
  for (const auto& w : words) {
    items.push_back({{"id", std::to_string(w.id)}, {"word", w.word}, {"category", w.category}, {"mask", w.mask}});
  }
  return nlohmann::json{{"items", std::move(items)}};
}

awaitable<net::Response> list(BotApiContext& b, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, b.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto words = co_await b.bot.list_words();
  if (!words) co_return problem_response(context.request, words.error());
  co_return json_response(context.request, status::ok, words_json(*words));
}

awaitable<net::Response> put(BotApiContext& b, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, b.api.auth, domain::Role::admin);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto body = parse_json_object(context);
  if (!body) co_return problem_response(context.request, body.error());
  auto words = words_of(*body);
  if (!words) co_return problem_response(context.request, words.error());
  auto saved = co_await b.bot.replace_words(std::move(*words));
  if (!saved) co_return problem_response(context.request, saved.error());
  auto stored = co_await b.bot.list_words();
  if (!stored) co_return problem_response(context.request, stored.error());
  co_return json_response(context.request, status::ok, words_json(*stored));
}

awaitable<net::Response> hits(BotApiContext& b, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, b.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto page = page_request(context);
  if (!page) co_return problem_response(context.request, page.error());
  const bool open_only = context.query("reviewed").value_or("") == "false";
  auto found = co_await b.bot.store().hits(open_only, page->after.value_or(0), page->limit);
  if (!found) co_return problem_response(context.request, found.error());
  auto items = nlohmann::json::array();
  for (const auto& hit : *found) {
    auto words = nlohmann::json::array();
    for (const auto& [word, category] : hit.words) words.push_back({{"word", word}, {"category", category}});
    items.push_back({{"id", std::to_string(hit.id)},
                     {"conversation_id", std::to_string(hit.conversation_id)},
                     {"message_id", std::to_string(hit.message_id)},
                     {"words", std::move(words)},
                     {"reviewed", hit.reviewed},
                     {"created_at", hit.created_at}});
  }
  std::optional<std::string> next;
  if (static_cast<int>(found->size()) == page->limit && !found->empty()) next = std::to_string(found->back().id);
  co_return json_response(context.request, status::ok, page_json(std::move(items), next));
}

awaitable<net::Response> review(BotApiContext& b, net::RequestContext& context) {
  auto principal = co_await authenticate_role(context, b.api.auth, domain::Role::supervisor);
  if (!principal) co_return problem_response(context.request, principal.error());
  auto id = path_id(context);
  if (!id) co_return problem_response(context.request, id.error());
  auto done = co_await b.bot.store().mark_reviewed(*id);
  if (!done) co_return problem_response(context.request, done.error());
  co_return net::make_response(context.request, status::no_content, "", "application/json");
}

}  // namespace

void add_sensitive_word_routes(net::Router& router, BotApiContext& context) {
  using net::http::verb;
  add_route_table<BotApiContext>(router, context,
                                 {{verb::get, "/api/v1/sensitive-words", &list},
                                  {verb::put, "/api/v1/sensitive-words", &put},
                                  {verb::get, "/api/v1/sensitive-words/hits", &hits},
                                  {verb::post, "/api/v1/sensitive-words/hits/{id}/review", &review}});
}

}  // namespace cc::api
