#pragma once
// PostgreSQL side of attachments (table attachments): the services::AttachmentStore reader, and
// the writer the ingest store calls inside its transaction.
#include <pqxx/pqxx>
#include <vector>

#include "cc/services/ports/attachment_store.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgAttachmentStore final : public services::AttachmentStore {
 public:
  explicit PgAttachmentStore(PgPool& pool) : pool_(pool) {}
  boost::asio::awaitable<Result<services::StoredAttachment>> get(domain::Id id) override;

 private:
  PgPool& pool_;
};

// Stores the kept files of a just-inserted message and rewrites its metadata: `attachments`
// lists every file ({id, filename, content_type, size, inline, content_id} when stored,
// {filename, content_type, size, inline, content_id, omitted} when the adapter dropped its bytes)
// and `html`, when present, links cid: references of stored inline parts to the download route.
// Returns the message with the new metadata. Runs in the caller's transaction.
domain::Message store_message_attachments(pqxx::transaction_base& tx, domain::Message message,
                                          const std::vector<domain::InboundAttachment>& attachments);

}  // namespace cc::store
