#include "cc/services/attachment_service.hpp"

namespace cc::services {

boost::asio::awaitable<Result<StoredAttachment>> AttachmentService::download(const domain::Principal& viewer,
                                                                             domain::Id id) {
  auto attachment = co_await attachments_.get(id);
  if (!attachment) co_return attachment.error();
  auto conversation = co_await conversations_.get(viewer, attachment->conversation_id);
  if (!conversation) {
    if (conversation.error().code == ErrorCode::not_found) co_return Error::not_found("no such attachment");
    co_return conversation.error();
  }
  co_return attachment;
}

}  // namespace cc::services
