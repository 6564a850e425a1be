#pragma once
// Port: the durable half of the ingest pipeline. One call stores a whole batch in one
// transaction (group commit): dedupe, customer resolution, conversation, message.
#include <boost/asio/awaitable.hpp>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct IngestResult {
  bool duplicate = false;  // already stored: the provider retried
  bool conversation_created = false;
  domain::Message message;
  domain::Conversation conversation;
  bool routable = true;  // copied from the InboundMessage: false = stored, never offered to agents
};

class IngestStore {
 public:
  virtual ~IngestStore() = default;
  // One result per input, in order. The whole batch fails together (unavailable) if the
  // database cannot commit; nothing is acknowledged then. A message the database refuses
  // fails alone, with its own error.
  virtual boost::asio::awaitable<Result<std::vector<Result<IngestResult>>>> store_batch(
      std::vector<domain::InboundMessage> batch) = 0;
};

// Port: resolves identifiers to one customer outside a message (e.g. a widget session start).
class CustomerResolver {
 public:
  virtual ~CustomerResolver() = default;
  virtual boost::asio::awaitable<Result<domain::Id>> resolve(
      std::vector<domain::Identifier> identifiers, std::optional<std::string> display_name) = 0;
};

}  // namespace cc::services
