#include "cc/services/canned_reply_service.hpp"

#include <regex>

#include "cc/domain/time_format.hpp"
#include "cc/services/json_views.hpp"

namespace cc::services {
namespace {

bool is_language(const std::string& key) {
  static const std::regex pattern("^[a-z]{2}(-[A-Za-z]{2,4})?$");
  return std::regex_match(key, pattern);
}

Result<std::string> text_field(const nlohmann::json& body, const char* key, std::size_t max) {
  const auto it = body.find(key);
  if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return Error::invalid(std::string(key) + " is required", std::string("/") + key);
  }
  if (it->get_ref<const std::string&>().size() > max) {
    return Error::invalid(std::string(key) + " is longer than " + std::to_string(max) + " bytes",
                          std::string("/") + key);
  }
  return it->get<std::string>();
}

}  // namespace

Result<CannedReply> canned_reply_from_json(const nlohmann::json& body, domain::Id author) {
  CannedReply reply;
  auto shortcut = text_field(body, "shortcut", 32);
  if (!shortcut) return shortcut.error();
  static const std::regex shortcut_pattern("^[a-z0-9_-]{1,32}$");
  if (!std::regex_match(*shortcut, shortcut_pattern)) {
    return Error::invalid("shortcut must be 1-32 of a-z, 0-9, _ and -", "/shortcut");
  }
  reply.shortcut = std::move(*shortcut);
  auto title = text_field(body, "title", 200);
  if (!title) return title.error();
  reply.title = std::move(*title);
  const auto texts = body.find("texts");
  if (texts == body.end() || !texts->is_object() || texts->empty()) {
    return Error::invalid("texts must map a language to its text, e.g. {\"zh\": \"...\"}", "/texts");
  }
  if (texts->size() > kMaxCannedLanguages) return Error::invalid("too many languages", "/texts");
  for (const auto& [language, text] : texts->items()) {
    const auto pointer = "/texts/" + language;
    if (!is_language(language)) return Error::invalid("not a language code", pointer);
    if (!text.is_string() || text.get_ref<const std::string&>().empty()) {
      return Error::invalid("text must be a non-empty string", pointer);
    }
    if (text.get_ref<const std::string&>().size() > kMaxCannedTextBytes) {
      return Error::invalid("text is longer than " + std::to_string(kMaxCannedTextBytes) + " bytes",
                            pointer);
    }
    reply.texts[language] = text.get<std::string>();
  }
  const auto scope = body.value("scope", std::string("personal"));
  if (scope != "team" && scope != "personal") {
    return Error::invalid("scope must be team or personal", "/scope");
  }
  reply.scope = scope;
  if (scope == "personal") reply.owner_agent_id = author;
  return reply;
}

nlohmann::json to_json(const CannedReply& reply) {
  return {{"id", id_text(reply.id)},
          {"shortcut", reply.shortcut},
          {"title", reply.title},
          {"texts", reply.texts},
          {"scope", reply.scope},
          {"owner_agent_id", reply.owner_agent_id ? nlohmann::json(id_text(*reply.owner_agent_id))
                                                  : nlohmann::json(nullptr)},
          {"updated_at", domain::format_time(reply.updated_at)}};
}

bool may_read(const CannedReply& reply, const domain::Principal& who) {
  return reply.scope == "team" || reply.owner_agent_id == who.agent_id;
}

bool may_change(const CannedReply& reply, const domain::Principal& who) {
  if (reply.scope == "team") return who.role != domain::Role::agent;
  return reply.owner_agent_id == who.agent_id;
}

boost::asio::awaitable<Result<std::vector<CannedReply>>> CannedReplyService::list(
    domain::Principal who, std::string prefix) {
  co_return co_await store_.visible_to(who.agent_id, std::move(prefix), 500);
}

boost::asio::awaitable<Result<CannedReply>> CannedReplyService::create(domain::Principal who,
                                                                      nlohmann::json body) {
  auto reply = canned_reply_from_json(body, who.agent_id);
  if (!reply) co_return reply.error();
  if (!may_change(*reply, who)) {
    co_return Error::forbidden("team canned replies are kept by supervisors and admins");
  }
  co_return co_await store_.create(std::move(*reply));
}

boost::asio::awaitable<Result<CannedReply>> CannedReplyService::update(domain::Principal who,
                                                                      domain::Id id,
                                                                      nlohmann::json body) {
  auto current = co_await store_.get(id);
  if (!current) co_return current.error();
  if (!may_read(*current, who)) co_return Error::not_found("no such canned reply");
  // A personal reply keeps its owner (only that owner may change it).
  const domain::Id owner = current->owner_agent_id.value_or(who.agent_id);
  auto reply = canned_reply_from_json(body, owner);
  if (!reply) co_return reply.error();
  if (!may_change(*current, who) || !may_change(*reply, who)) {
    co_return Error::forbidden("you may not change this canned reply");
  }
  reply->id = id;
  co_return co_await store_.update(std::move(*reply));
}

boost::asio::awaitable<Status> CannedReplyService::remove(domain::Principal who, domain::Id id) {
  auto current = co_await store_.get(id);
  if (!current) co_return current.error();
  if (!may_read(*current, who)) co_return Error::not_found("no such canned reply");
  if (!may_change(*current, who)) co_return Error::forbidden("you may not delete this canned reply");
  co_return co_await store_.remove(id);
}

}  // namespace cc::services
