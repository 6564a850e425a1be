#pragma once
// Port: which conversation a mail's Message-ID belongs to, both ways. Implemented by
// store/pg/pg_email_thread_store.cpp over the email_message_ids table.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct EmailThread {
  std::vector<std::string> message_ids;  // oldest first
  std::string subject;                   // of the newest mail that had one
};

class EmailThreadStore {
 public:
  virtual ~EmailThreadStore() = default;
  // The conversation of the first of `message_ids` we know (In-Reply-To before References).
  virtual boost::asio::awaitable<Result<std::optional<domain::Id>>> find_conversation(
      domain::Id channel_account_id, std::vector<std::string> message_ids) = 0;
  // Records a Message-ID seen or sent in a conversation; recording one twice is not an error.
  virtual boost::asio::awaitable<Status> remember(domain::Id channel_account_id,
                                                  std::string message_id, domain::Id conversation_id,
                                                  domain::Direction direction, std::string subject) = 0;
  // The conversation's Message-IDs (at most `limit` of the newest, for References) and subject.
  virtual boost::asio::awaitable<Result<EmailThread>> thread_of(domain::Id conversation_id, int limit) = 0;
};

}  // namespace cc::services
