#pragma once
// Downloads of stored attachments. Who may fetch one follows its conversation: the same rule as
// the conversation routes (ConversationService::get: supervisors and admins every conversation,
// an agent theirs and the queue). Someone who may not see it gets not_found, like for the
// conversation itself, so ids reveal nothing.
#include <boost/asio/awaitable.hpp>

#include "cc/services/conversation_service.hpp"
#include "cc/services/ports/attachment_store.hpp"

namespace cc::services {

class AttachmentService {
 public:
  AttachmentService(AttachmentStore& attachments, ConversationService& conversations)
      : attachments_(attachments), conversations_(conversations) {}

  boost::asio::awaitable<Result<StoredAttachment>> download(const domain::Principal& viewer, domain::Id id);

 private:
  AttachmentStore& attachments_;
  ConversationService& conversations_;
};

}  // namespace cc::services
