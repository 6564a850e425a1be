#pragma once
// The SIP redirect server: transport -> parser -> transaction layer -> routing decision.
// A new INVITE from a configured gateway maps the DID to a queue and joins the next batch of
// call decisions (CallDecisionBatcher: caller resolved to a customer and an agent of that queue
// claimed, one transaction per batch), pops the caller's 360 card on that agent's WebSocket
// (call.incoming) and only then sends 302 with the agent's SIP address. Nobody free: 302 to
// overflow_uri or 480 + Retry-After; too many calls waiting for a decision: 503 + Retry-After.
// Owned by Wiring; runs on the I/O threads; the transaction layer is guarded by one mutex held
// only for pure work.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <mutex>
#include <vector>

#include "cc/channels/voice/call_decision_batcher.hpp"
#include "cc/channels/voice/call_router.hpp"
#include "cc/channels/voice/sip_transactions.hpp"
#include "cc/channels/voice/voice_config.hpp"
#include "cc/metrics/registry.hpp"
#include "cc/net/sip_transport.hpp"
#include "cc/services/channel_account_service.hpp"
#include "cc/services/event_dispatcher.hpp"
#include "cc/services/ports/customer_lookups.hpp"

namespace cc::channels::voice {

struct SipServiceOptions {
  net::SipTransportOptions transport;
  SipTimers timers;
  int ring_timeout_seconds = 60;  // an offer the PBX never confirms frees its agent after this
  CallDecisionBatcherOptions decisions;
};

struct VoiceAccount {
  domain::Id id = 0;
  VoiceAccountConfig config;
};

// Builds the call.incoming payload. Pure; exposed for tests.
nlohmann::json call_incoming_event(const VoiceAccount& account, const SipRequest& request,
                                   const std::string& queue, std::optional<domain::Id> customer_id,
                                   const nlohmann::json& summary);
// The SIP address of an agent as a Contact value ("1001@pbx" -> "<sip:1001@pbx>").
std::string contact_for(const std::string& sip_uri);

class SipService {
 public:
  SipService(boost::asio::io_context& io, SipServiceOptions options, services::ChannelAccountService& accounts,
             services::CallDecisionStore& decisions, services::CustomerSummaries& summaries,
             CallRouter& router, VoiceCallStore& calls, services::EventDispatcher& events,
             metrics::Registry& metrics);
  ~SipService();

  void start();  // binds; throws when it cannot
  std::uint16_t port() const { return transport_.port(); }
  boost::asio::awaitable<void> shutdown();

 private:
  void on_message(std::string text, net::SipEndpoint from, bool after_refresh);
  void send_all(const net::SipEndpoint& to, std::vector<std::string> messages);
  std::optional<VoiceAccount> account_for(const std::string& address) const;
  boost::asio::awaitable<void> refresh_accounts();
  boost::asio::awaitable<void> refresh_then_handle(std::string text, net::SipEndpoint from);
  boost::asio::awaitable<void> decide(std::string key, SipRequest request, VoiceAccount account,
                                      net::SipEndpoint from);
  boost::asio::awaitable<void> timer_loop();
  boost::asio::awaitable<void> housekeeping_loop();

  boost::asio::io_context& io_;
  SipServiceOptions options_;
  services::ChannelAccountService& accounts_;
  CallDecisionBatcher batcher_;  // caller -> customer, and who takes the call
  services::CustomerSummaries& summaries_;
  CallRouter& router_;                          // releases and unrouted records
  VoiceCallStore& calls_;
  services::EventDispatcher& events_;
  metrics::Registry& metrics_;
  metrics::Counter& malformed_;
  metrics::Counter& invites_;
  metrics::Counter& overloaded_;
  metrics::Histogram& decision_seconds_;
  net::SipTransport transport_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer housekeeping_;

  mutable std::mutex mutex_;
  SipTransactions transactions_;
  // Calls answered with an agent's 302: call id -> (account, when), until Timer H could fire.
  std::unordered_map<std::string, std::pair<domain::Id, SipTime>> pending_call_accounts_;
  std::shared_ptr<const std::vector<VoiceAccount>> voice_accounts_;
  std::chrono::steady_clock::time_point accounts_loaded_{};
  bool refreshing_ = false;
  bool stopping_ = false;
};

}  // namespace cc::channels::voice
