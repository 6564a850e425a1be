#include "cc/channels/voice/voice_routes.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "cc/async/log.hpp"
#include "cc/channels/voice/voice_config.hpp"
#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"
#include "cc/domain/identifiers.hpp"
#include "cc/problem/problem.hpp"

namespace cc::channels::voice {
namespace {

using boost::asio::awaitable;
using nlohmann::json;
namespace http = net::http;

std::shared_ptr<spdlog::logger> logger() { return async::module_logger("voice"); }

bool authenticated(const net::RequestContext& context, const std::string& secret) {
  if (secret.empty()) return false;  // no secret configured: the webhook is off
  if (auto signature = context.header("X-Voice-Signature")) {
    if (!signature->starts_with("sha256=")) return false;
    signature->remove_prefix(7);
    const auto mac = crypto::hmac_sha256(secret, context.request.body());
    // Hex, or base64url as Kamailio's crypto/gcrypt HMAC functions produce it.
    const bool hex = crypto::constant_time_equal(*signature, crypto::to_hex(mac));
    const bool b64 = crypto::constant_time_equal(*signature, crypto::base64url_encode(mac));
    return hex || b64;
  }
  // For PBXs that cannot compute an HMAC (send it over TLS only).
  if (const auto given = context.header("X-Webhook-Secret")) return crypto::constant_time_equal(*given, secret);
  return false;
}

std::optional<Error> read_string(const json& body, const char* name, std::size_t max, std::string& out,
                                 bool required = false) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) return Error::invalid(std::string(name) + " is required", std::string("/") + name);
    return std::nullopt;
  }
  if (!it->is_string() || it->get<std::string>().size() > max || (required && it->get<std::string>().empty())) {
    return Error::invalid(std::string(name) + " must be a string of at most " + std::to_string(max) + " characters",
                          std::string("/") + name);
  }
  out = it->get<std::string>();
  return std::nullopt;
}

std::optional<Error> read_seconds(const json& body, const char* name, std::optional<int>& out) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > 7 * 86400) {
    return Error::invalid(std::string(name) + " must be whole seconds (0 to a week)", std::string("/") + name);
  }
  out = static_cast<int>(it->get<long long>());
  return std::nullopt;
}

std::string digits_only(const std::string& address) {
  // "sip:+15551234@pbx" -> "+15551234"; plain numbers pass through.
  auto user = address;
  if (const auto colon = user.find(':'); colon != std::string::npos && user.starts_with("sip")) user = user.substr(colon + 1);
  if (const auto at = user.find('@'); at != std::string::npos) user = user.substr(0, at);
  return user;
}

awaitable<net::Response> receive_event(VoiceContext& voice, net::RequestContext& context) {
  const auto& request = context.request;
  domain::Id account_id = 0;
  const auto id_text = context.param("channel_account_id");
  const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), account_id);
  if (ec != std::errc{} || end != id_text.data() + id_text.size() || account_id <= 0) {
    co_return problem::problem_response(request, Error::not_found("no such voice channel"));
  }
  auto account = co_await voice.accounts.get(account_id);
  if (!account || account->channel != domain::Channel::voice || !account->active) {
    co_return problem::problem_response(request, Error::not_found("no such voice channel"));
  }
  auto config = parse_voice_config(json::parse(account->config_json, nullptr, false));
  if (!config) co_return problem::problem_response(request, Error::not_found("no such voice channel"));
  if (!authenticated(context, config->webhook_secret)) {
    logger()->warn("[{}] voice webhook for account {}: signature missing or wrong", context.request_id, account_id);
    co_return problem::problem_response(request, Error::unauthorized("X-Voice-Signature is missing or wrong"));
  }
  auto parsed = parse_call_event(request.body());
  if (!parsed) co_return problem::problem_response(request, parsed.error());
  const auto call_id = parsed->event.call_id;
  auto record = co_await voice.calls.record_event(account_id, parsed->event);
  if (!record) co_return problem::problem_response(request, record.error());
  json out{{"call_id", call_id}, {"state", record->state}, {"answered", record->answered}};
  if (parsed->event.event != "hangup") co_return problem::json_response(request, http::status::ok, out);

  // The call on the customer's timeline: one message per call id (a retried hangup is a duplicate).
  domain::InboundMessage message;
  message.channel_account_id = account_id;
  message.channel = domain::Channel::voice;
  message.provider_message_id = "call:" + call_id;
  const auto caller = digits_only(parsed->event.from);
  const auto phone = domain::normalize_phone(caller);
  message.identifiers.push_back(domain::Identifier{phone ? "phone" : "sip_caller", phone ? *phone : caller, true});
  message.reply_address = phone ? *phone : caller;
  message.content = call_summary_text(*parsed, record->answered);
  message.content_type = "call";
  message.routable = false;  // the call was handled on the phone; the record is for the timeline
  message.provider_time = std::chrono::system_clock::now();
  message.metadata_json = json{{"call_id", call_id},
                               {"from", parsed->event.from},
                               {"to", parsed->event.to},
                               {"agent", parsed->event.agent},
                               {"answered", record->answered},
                               {"hangup_cause", parsed->event.cause},
                               {"duration", parsed->event.duration ? json(*parsed->event.duration) : json(nullptr)},
                               {"billsec", parsed->event.billsec ? json(*parsed->event.billsec) : json(nullptr)},
                               {"recording_url", parsed->recording_url},
                               {"transcript", parsed->transcript}}
                              .dump();
  auto stored = co_await voice.ingest.ingest(std::move(message));
  if (!stored) co_return problem::problem_response(request, stored.error());
  out["conversation_id"] = std::to_string(stored->conversation.id);
  out["duplicate"] = stored->duplicate;
  std::optional<domain::Id> ticket_id;
  if (!record->answered) {
    auto claimed = co_await voice.calls.claim_callback(account_id, call_id);
    if (!claimed) co_return problem::problem_response(request, claimed.error());
    if (*claimed) {
      services::NewTicket ticket;
      ticket.subject = "Call back " + (phone ? *phone : caller);
      ticket.description = "Missed call " + call_id + " to " + parsed->event.to +
                           (parsed->event.cause.empty() ? std::string() : " (" + parsed->event.cause + ")");
      ticket.type = "task";
      ticket.priority = "high";  // first in the queue's list
      ticket.requester_id = stored->conversation.customer_id;
      ticket.conversation_id = stored->conversation.id;
      ticket.source = "voice";
      auto created = co_await voice.tickets.create_ticket(std::move(ticket));
      if (!created) {
        co_await voice.calls.unclaim_callback(account_id, call_id);  // the PBX's retry tries again
        co_return problem::problem_response(request, created.error());
      }
      ticket_id = *created;
      out["callback_ticket_id"] = std::to_string(*created);
    }
  }
  co_await voice.calls.link(account_id, call_id, stored->conversation.id, ticket_id);
  co_return problem::json_response(request, http::status::ok, out);
}

}  // namespace

Result<ParsedCallEvent> parse_call_event(std::string_view text) {
  const auto body = json::parse(text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return Error{ErrorCode::malformed, "the body must be a JSON object", {}};
  ParsedCallEvent out;
  auto& e = out.event;
  if (auto error = read_string(body, "call_id", 256, e.call_id, true)) return *error;
  if (auto error = read_string(body, "event", 16, e.event, true)) return *error;
  if (e.event != "ringing" && e.event != "answered" && e.event != "hangup") {
    return Error::invalid("event must be ringing, answered or hangup", "/event");
  }
  if (auto error = read_string(body, "from", 256, e.from)) return *error;
  if (auto error = read_string(body, "to", 256, e.to)) return *error;
  if (auto error = read_string(body, "agent", 256, e.agent)) return *error;
  if (auto error = read_string(body, "cause", 64, e.cause)) return *error;
  if (auto error = read_seconds(body, "duration", e.duration)) return *error;
  if (auto error = read_seconds(body, "billsec", e.billsec)) return *error;
  if (auto error = read_string(body, "recording_url", 2048, out.recording_url)) return *error;
  if (!out.recording_url.empty() && !out.recording_url.starts_with("https://") && !out.recording_url.starts_with("http://")) {
    return Error::invalid("recording_url must be an http(s) URL", "/recording_url");
  }
  if (auto error = read_string(body, "transcript", 100000, out.transcript)) return *error;
  if (e.event == "hangup" && e.from.empty()) return Error::invalid("from is required on hangup", "/from");
  return out;
}

std::string call_summary_text(const ParsedCallEvent& call, bool answered) {
  std::string text = answered ? "Call answered" : "Missed call";
  if (!call.event.agent.empty() && answered) text += " by " + call.event.agent;
  if (call.event.billsec && answered) {
    const int s = *call.event.billsec;
    text += ", talked " + std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
  }
  if (!call.event.cause.empty()) text += " (" + call.event.cause + ")";
  if (!call.transcript.empty()) text += "\n\n" + call.transcript;
  return text;
}

void add_voice_routes(net::Router& router, VoiceContext& voice) {
  auto* v = &voice;
  router.add(http::verb::post, "/webhooks/voice/{channel_account_id}",
             [v](net::RequestContext& context) { return receive_event(*v, context); });
}

}  // namespace cc::channels::voice
