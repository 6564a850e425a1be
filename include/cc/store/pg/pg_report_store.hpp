#pragma once
// ReportStore on PostgreSQL: aggregate reads over the operational tables (no tables of its own).
#include "cc/services/ports/report_store.hpp"
#include "cc/store/pg/pg_pool.hpp"

namespace cc::store {

class PgReportStore final : public services::ReportStore {
 public:
  explicit PgReportStore(PgPool& pool) : pool_(pool) {}
  boost::asio::awaitable<Result<std::vector<services::QueueFigures>>> queues() override;
  boost::asio::awaitable<Result<std::vector<services::AgentLoad>>> agents() override;
  boost::asio::awaitable<Result<services::SlaCounts>> sla() override;
  boost::asio::awaitable<Result<services::FirstResponse>> first_response(domain::TimePoint since) override;
  boost::asio::awaitable<Result<services::CsatSummary>> csat(domain::TimePoint since) override;
  boost::asio::awaitable<Result<std::vector<services::ChannelHour>>> messages_per_hour(
      domain::TimePoint day_start) override;
  boost::asio::awaitable<Result<std::vector<std::string>>> inbound_texts(domain::TimePoint since,
                                                                         int limit,
                                                                         int max_bytes) override;

 private:
  PgPool& pool_;
};

}  // namespace cc::store
