#include "cc/channels/voice/sip_service.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cc/async/log.hpp"
#include "cc/async/spawn.hpp"
#include "cc/domain/identifiers.hpp"

namespace cc::channels::voice {

namespace asio = boost::asio;
using asio::awaitable;
using nlohmann::json;

namespace {

std::shared_ptr<spdlog::logger> logger() { return async::module_logger("voice"); }

constexpr auto kAccountsMaxAge = std::chrono::seconds(2);
constexpr auto kMissRefreshAfter = std::chrono::milliseconds(500);

SipPeer peer_of(const net::SipEndpoint& endpoint) {
  return SipPeer{endpoint.address, endpoint.port, endpoint.reliable};
}

}  // namespace

std::string contact_for(const std::string& sip_uri) {
  if (sip_uri.starts_with("sip:") || sip_uri.starts_with("sips:") || sip_uri.starts_with("tel:")) return "<" + sip_uri + ">";
  return "<sip:" + sip_uri + ">";
}

json call_incoming_event(const VoiceAccount& account, const SipRequest& request, const std::string& queue,
                         std::optional<domain::Id> customer_id, const json& summary) {
  return json{{"call_id", request.call_id},
              {"channel_account_id", std::to_string(account.id)},
              {"from", request.from_user},
              {"caller_name", request.from_display},
              {"did", request.request_user},
              {"queue", queue},
              {"customer_id", customer_id ? json(std::to_string(*customer_id)) : json(nullptr)},
              {"customer", summary}};
}

SipService::SipService(asio::io_context& io, SipServiceOptions options, services::ChannelAccountService& accounts,
                       services::CallDecisionStore& decisions, services::CustomerSummaries& summaries,
                       CallRouter& router, VoiceCallStore& calls, services::EventDispatcher& events,
                       metrics::Registry& metrics)
    : io_(io),
      options_(std::move(options)),
      accounts_(accounts),
      batcher_(io.get_executor(), decisions, metrics, options_.decisions),
      summaries_(summaries),
      router_(router),
      calls_(calls),
      events_(events),
      metrics_(metrics),
      malformed_(metrics.counter("cc_sip_malformed_total", "SIP messages dropped as malformed")),
      invites_(metrics.counter("cc_sip_invites_total", "New INVITE transactions routed")),
      overloaded_(metrics.counter("cc_sip_overload_refusals_total",
                                  "INVITEs refused with 503 because too many calls awaited a decision")),
      decision_seconds_(metrics.histogram("cc_sip_decision_seconds", "INVITE routing decision time")),
      transport_(io, options_.transport,
                 [this](std::string text, net::SipEndpoint from) { on_message(std::move(text), std::move(from), false); },
                 metrics),
      timer_(io),
      housekeeping_(io),
      transactions_(options_.timers),
      voice_accounts_(std::make_shared<const std::vector<VoiceAccount>>()) {}

SipService::~SipService() = default;

void SipService::start() {
  transport_.start();
  async::spawn_logged(timer_.get_executor(), timer_loop(), "sip timers");
  async::spawn_logged(housekeeping_.get_executor(), housekeeping_loop(), "sip housekeeping");
}

awaitable<void> SipService::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  timer_.cancel();
  housekeeping_.cancel();
  co_await transport_.shutdown();
}

std::optional<VoiceAccount> SipService::account_for(const std::string& address) const {
  std::shared_ptr<const std::vector<VoiceAccount>> accounts;
  {
    std::lock_guard lock(mutex_);
    accounts = voice_accounts_;
  }
  for (const auto& account : *accounts) {
    if (gateway_allowed(account.config, address)) return account;
  }
  return std::nullopt;
}

awaitable<void> SipService::refresh_accounts() {
  auto fresh = std::make_shared<std::vector<VoiceAccount>>();
  std::optional<domain::Id> after;
  for (int page_count = 0; page_count < 100; ++page_count) {
    auto page = co_await accounts_.list(after, 200);
    if (!page) {
      logger()->warn("voice accounts not refreshed: {}", page.error().detail);
      std::lock_guard lock(mutex_);
      accounts_loaded_ = std::chrono::steady_clock::now();
      refreshing_ = false;
      co_return;
    }
    for (const auto& account : page->items) {
      if (account.channel != domain::Channel::voice || !account.active) continue;
      auto config = parse_voice_config(json::parse(account.config_json, nullptr, false));
      if (!config) continue;
      fresh->push_back(VoiceAccount{account.id, std::move(*config)});
    }
    if (!page->next_cursor || page->items.empty()) break;
    after = page->items.back().id;
  }
  std::lock_guard lock(mutex_);
  voice_accounts_ = std::move(fresh);
  accounts_loaded_ = std::chrono::steady_clock::now();
  refreshing_ = false;
}

awaitable<void> SipService::refresh_then_handle(std::string text, net::SipEndpoint from) {
  co_await refresh_accounts();
  on_message(std::move(text), std::move(from), true);
}

void SipService::send_all(const net::SipEndpoint& to, std::vector<std::string> messages) {
  for (auto& message : messages) transport_.send(to, std::move(message));
}

void SipService::on_message(std::string text, net::SipEndpoint from, bool after_refresh) {
  auto parsed = parse_sip_request(text, peer_of(from), SipLimits{options_.transport.max_message_bytes, 32});
  if (!parsed) {  // garbage, responses, or requests a server must refuse to act on: dropped
    malformed_.inc();
    logger()->debug("sip from {}:{} dropped: {}", from.address, from.port, parsed.error().detail);
    return;
  }
  auto account = parsed->method == "ACK" ? std::nullopt : account_for(from.address);
  if (!account && parsed->method != "ACK" && !after_refresh) {
    bool stale = false;
    {
      // One look-up in flight at most: a flood from strangers costs one query per 500 ms.
      std::lock_guard lock(mutex_);
      stale = !refreshing_ && std::chrono::steady_clock::now() - accounts_loaded_ > kMissRefreshAfter;
      if (stale) refreshing_ = true;
    }
    if (stale) {  // a gateway added a moment ago: look again before saying 403
      async::spawn_logged(io_.get_executor(), refresh_then_handle(std::move(text), std::move(from)), "sip refresh");
      return;
    }
  }
  SipIncoming incoming;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    incoming = transactions_.on_request(std::move(*parsed), peer_of(from), account.has_value(),
                                        std::chrono::steady_clock::now());
  }
  send_all(from, std::move(incoming.replies));
  if (incoming.route && account) {
    invites_.inc();
    async::spawn_logged(io_.get_executor(), decide(std::move(incoming.key), std::move(incoming.request), *account, from),
                        "sip decision");
  }
}

awaitable<void> SipService::decide(std::string key, SipRequest request, VoiceAccount account, net::SipEndpoint from) {
  const auto started = std::chrono::steady_clock::now();
  const auto route = route_for_did(account.config, request.request_user);
  const bool overflow = route.overflow && !account.config.overflow_uri.empty();
  services::CallDecisionRequest ask;
  ask.claim.channel_account_id = account.id;
  ask.claim.call_id = request.call_id;
  ask.claim.did = request.request_user;
  ask.claim.queue = route.queue;
  const auto phone = domain::normalize_phone(request.from_user);
  ask.claim.caller = phone ? *phone : request.from_user;
  if (phone) {
    // Verified: the network delivered the call from this number.
    ask.caller = domain::Identifier{"phone", *phone, true};
    if (!request.from_display.empty()) ask.caller_name = request.from_display;
  }
  ask.unrouted_state = overflow ? "overflowed" : "rejected";
  CallRequest call;  // for the record when the decision itself failed
  call.channel_account_id = account.id;
  call.call_id = request.call_id;
  call.did = request.request_user;
  call.queue = route.queue;
  call.caller = ask.claim.caller;
  auto decided = co_await batcher_.decide(std::move(ask));

  int code = 302;
  std::string reason = "Moved Temporarily";
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<services::VoiceClaim> reserved;
  if (decided && decided->agent) {
    reserved = *decided->agent;
    const auto customer_id = decided->customer_id;
    // The screen pop goes out before the 302: the agent sees the caller before the phone rings.
    json summary = nullptr;
    if (customer_id) {
      auto found = co_await summaries_.summary(*customer_id);
      if (found) summary = std::move(*found);
    }
    std::vector<services::AgentEvent> pop;
    pop.push_back(services::make_event(reserved->agent_id, "call.incoming",
                                       call_incoming_event(account, request, route.queue, customer_id, summary)));
    co_await events_.emit(std::move(pop));
    headers.emplace_back("Contact", contact_for(reserved->sip_uri));
  } else if (!decided && decided.error().code == ErrorCode::rate_limited) {
    // Overload (RFC 3261 21.5.4): the PBX may try another server or retry after the pause.
    overloaded_.inc();
    code = 503;
    reason = "Service Unavailable";
    headers.emplace_back("Retry-After", std::to_string(route.retry_after));
  } else {
    if (!decided) {
      logger()->warn("sip call {}: routing failed: {}", request.call_id, decided.error().detail);
      async::spawn_logged(io_.get_executor(), router_.record_unrouted(call, overflow), "sip record unrouted");
    }
    if (overflow) {
      headers.emplace_back("Contact", contact_for(account.config.overflow_uri));
    } else {
      code = 480;
      reason = "Temporarily Unavailable";
      headers.emplace_back("Retry-After", std::to_string(route.retry_after));
    }
  }
  std::optional<std::string> text;
  {
    std::lock_guard lock(mutex_);
    text = transactions_.answer(key, code, reason, std::move(headers), std::chrono::steady_clock::now());
    if (text && reserved) pending_call_accounts_[request.call_id] = {account.id, std::chrono::steady_clock::now()};
  }
  decision_seconds_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!text) {
    // CANCEL won the race (the caller already has its 487): the agent is free again.
    if (reserved) co_await router_.release(account.id, request.call_id);
    co_return;
  }
  // To the INVITE's source (rport behaviour), which is where PBXs listen.
  transport_.send(from, std::move(*text));
}

awaitable<void> SipService::timer_loop() {
  // Timer G/H granularity: 10 ms is well below T1 (500 ms).
  while (true) {
    timer_.expires_after(std::chrono::milliseconds(10));
    auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    SipTimerOutput out;
    std::vector<std::pair<domain::Id, std::string>> release;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
      out = transactions_.on_timer(std::chrono::steady_clock::now());
      for (const auto& call_id : out.unacknowledged_call_ids) {
        if (auto it = pending_call_accounts_.find(call_id); it != pending_call_accounts_.end()) {
          release.emplace_back(it->second.first, call_id);
          pending_call_accounts_.erase(it);
        }
      }
    }
    (void)ec;
    for (auto& send : out.retransmissions) {
      transport_.send(net::SipEndpoint{send.to.address, send.to.port, send.to.reliable, 0}, std::move(send.data));
    }
    for (auto& [account_id, call_id] : release) {
      logger()->info("sip call {}: 302 never acknowledged; agent released", call_id);
      async::spawn_logged(io_.get_executor(), router_.release(account_id, call_id), "sip release");
    }
  }
}

awaitable<void> SipService::housekeeping_loop() {
  co_await refresh_accounts();
  int tick = 0;
  while (true) {
    housekeeping_.expires_after(kAccountsMaxAge);
    auto [ec] = co_await housekeeping_.async_wait(asio::as_tuple(asio::use_awaitable));
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
      // Calls whose ACK arrived: Timer H never reports them, so forget them once it would have.
      const auto horizon = std::chrono::steady_clock::now() - 64 * options_.timers.t1 - std::chrono::seconds(1);
      std::erase_if(pending_call_accounts_, [horizon](const auto& entry) { return entry.second.second < horizon; });
    }
    (void)ec;
    co_await refresh_accounts();
    if (++tick % 5 == 0) co_await calls_.expire_offers(options_.ring_timeout_seconds);
  }
}

}  // namespace cc::channels::voice
