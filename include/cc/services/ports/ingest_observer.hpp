#pragma once
// Port: told about every batch of freshly stored inbound messages, after COMMIT and after the
// ingest service's own routing and events. Tickets (a customer reply reopens a solved ticket),
// CSAT answers and similar reactions hook in here instead of growing the ingest loop.
// Duplicates (provider retries) are not passed on. An observer must not throw.
#include <boost/asio/awaitable.hpp>
#include <vector>

#include "cc/services/ports/ingest_store.hpp"

namespace cc::services {

class IngestObserver {
 public:
  virtual ~IngestObserver() = default;
  virtual boost::asio::awaitable<void> on_ingested(const std::vector<IngestResult>& results) = 0;
};

}  // namespace cc::services
