#pragma once
// Port: canned replies (table canned_replies, migrations/0017_workbench.sql). A reply has a
// shortcut the agent types after "/", a title, its text per language, and a scope: "team"
// (every agent sees it) or "personal" (only its owner does).
#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct CannedReply {
  domain::Id id = 0;
  std::string shortcut;
  std::string title;
  std::map<std::string, std::string> texts;  // language ("zh", "en", ...) -> text
  std::string scope;                           // "team" | "personal"
  std::optional<domain::Id> owner_agent_id;    // set exactly when personal
  domain::TimePoint updated_at{};
};

class CannedReplyStore {
 public:
  virtual ~CannedReplyStore() = default;
  // Team replies and the agent's personal ones, by shortcut; `prefix` filters shortcuts.
  virtual boost::asio::awaitable<Result<std::vector<CannedReply>>> visible_to(
      domain::Id agent_id, std::string prefix, int limit) = 0;
  virtual boost::asio::awaitable<Result<CannedReply>> get(domain::Id id) = 0;
  // conflict when the shortcut is taken in that scope.
  virtual boost::asio::awaitable<Result<CannedReply>> create(CannedReply reply) = 0;
  virtual boost::asio::awaitable<Result<CannedReply>> update(CannedReply reply) = 0;
  virtual boost::asio::awaitable<Status> remove(domain::Id id) = 0;
};

}  // namespace cc::services
