#pragma once
// Canned replies: input checks and who may see or change which reply. Team replies are read by
// every agent and changed by supervisors and admins; personal replies only by their owner.
#include <nlohmann/json.hpp>

#include "cc/services/ports/canned_reply_store.hpp"

namespace cc::services {

inline constexpr std::size_t kMaxCannedTextBytes = 4000;
inline constexpr std::size_t kMaxCannedLanguages = 8;

// Reads {shortcut, title, texts: {lang: text}, scope} (a full replacement); the owner is set
// from `author` for personal replies. Errors carry the JSON pointer of the bad field.
Result<CannedReply> canned_reply_from_json(const nlohmann::json& body, domain::Id author);
nlohmann::json to_json(const CannedReply& reply);
bool may_change(const CannedReply& reply, const domain::Principal& who);
bool may_read(const CannedReply& reply, const domain::Principal& who);

class CannedReplyService {
 public:
  explicit CannedReplyService(CannedReplyStore& store) : store_(store) {}
  boost::asio::awaitable<Result<std::vector<CannedReply>>> list(domain::Principal who,
                                                                std::string prefix);
  boost::asio::awaitable<Result<CannedReply>> create(domain::Principal who, nlohmann::json body);
  boost::asio::awaitable<Result<CannedReply>> update(domain::Principal who, domain::Id id,
                                                     nlohmann::json body);
  boost::asio::awaitable<Status> remove(domain::Principal who, domain::Id id);

 private:
  CannedReplyStore& store_;
};

}  // namespace cc::services
