#pragma once
// Port: reading stored attachments (files that came with inbound messages). They are written by
// the ingest store in the message's own transaction; implemented by
// store/pg/pg_attachment_store.cpp over the attachments table (migration 0008).
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>

#include "cc/domain/error.hpp"
#include "cc/domain/types.hpp"

namespace cc::services {

struct StoredAttachment {
  domain::Id id = 0;
  domain::Id message_id = 0;
  domain::Id conversation_id = 0;  // of its message: who may download it follows from this
  std::string filename;
  std::string content_type;
  std::int64_t size_bytes = 0;
  std::string sha256;  // hex
  std::string content_id;
  bool inline_part = false;
  std::string content;  // the bytes
};

class AttachmentStore {
 public:
  virtual ~AttachmentStore() = default;
  // not_found for an unknown id.
  virtual boost::asio::awaitable<Result<StoredAttachment>> get(domain::Id id) = 0;
};

}  // namespace cc::services
