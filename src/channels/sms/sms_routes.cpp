#include "cc/channels/sms/sms_routes.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "cc/async/log.hpp"
#include "cc/channels/sms/sms_config.hpp"
#include "cc/channels/sms/sms_form.hpp"
#include "cc/channels/sms/sms_inbound.hpp"
#include "cc/channels/sms/sms_segments.hpp"
#include "cc/channels/sms/sms_signature.hpp"
#include "cc/channels/sms/sms_twiml.hpp"
#include "cc/domain/text_limits.hpp"
#include "cc/problem/problem.hpp"

namespace cc::channels::sms {
namespace {

using boost::asio::awaitable;
namespace http = net::http;

constexpr std::size_t kMaxSegmentTextBytes = 16 * 1024;

std::shared_ptr<spdlog::logger> logger() { return async::module_logger("sms"); }

net::Response problem(const net::Request& request, const Error& error) {
  return problem::problem_response(request, error);
}

net::Response twiml(const net::Request& request, std::string body) {
  auto response = net::make_response(request, http::status::ok, std::move(body), "text/xml");
  response.set(http::field::cache_control, "no-store");
  return response;
}

std::string_view media_type(const net::RequestContext& context) {
  auto type = context.header("Content-Type").value_or("");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return type;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A verified webhook: the account, its config and the signed fields.
struct VerifiedWebhook {
  domain::Id account_id = 0;
  SmsConfig config;
  FormFields form;
};

// Checks everything a Twilio webhook must pass before its fields are believed: a known, active
// SMS account; a form body within limits; X-Twilio-Signature over the public URL.
awaitable<Result<VerifiedWebhook>> verify_webhook(SmsContext& sms, net::RequestContext& context) {
  VerifiedWebhook hook;
  const auto id_text = context.param("channel_account_id");
  const auto [end, ec] =
      std::from_chars(id_text.data(), id_text.data() + id_text.size(), hook.account_id);
  if (ec != std::errc{} || end != id_text.data() + id_text.size() || hook.account_id <= 0) {
    co_return Error::not_found("no such SMS channel");
  }
  auto account = co_await sms.accounts.get(hook.account_id);
  if (!account) {
    if (account.error().code == ErrorCode::not_found)
      co_return Error::not_found("no such SMS channel");
    co_return account.error();
  }
  if (account->channel != domain::Channel::sms || !account->active)
    co_return Error::not_found("no such SMS channel");
  if (ascii_lower(media_type(context)) != "application/x-www-form-urlencoded") {
    co_return Error{
        ErrorCode::unsupported_media, "send the body as application/x-www-form-urlencoded", {}};
  }
  auto form = parse_form(context.request.body());
  if (!form) co_return form.error();
  auto config = parse_sms_config(account->config_json);
  if (!config) {
    logger()->error("[{}] SMS account {} has an unusable config: {}", context.request_id,
                    hook.account_id, config.error().detail);
    co_return Error::unavailable("this SMS channel is not configured");
  }
  const std::string_view target(context.request.target().data(), context.request.target().size());
  const auto url = public_request_url(config->public_base_url, target);
  const auto signature = context.header("X-Twilio-Signature").value_or("");
  if (!verify_twilio_signature(config->auth_token, url, *form, signature)) {
    logger()->warn("[{}] SMS account {}: X-Twilio-Signature does not match {} ({} from {})",
                   context.request_id, hook.account_id, url,
                   signature.empty() ? "missing" : "wrong", context.remote.address().to_string());
    co_return Error::forbidden("X-Twilio-Signature does not match");
  }
  hook.config = std::move(*config);
  hook.form = std::move(*form);
  co_return hook;
}

std::string trimmed_keyword(std::string_view body) {
  while (!body.empty() && (body.front() == ' ' || body.front() == '\n' || body.front() == '\r' ||
                           body.front() == '\t'))
    body.remove_prefix(1);
  while (!body.empty() &&
         (body.back() == ' ' || body.back() == '\n' || body.back() == '\r' || body.back() == '\t'))
    body.remove_suffix(1);
  return std::string(body.substr(0, 32));
}

// Records STOP / removes on START. Idempotent, so a provider retry after a failure re-applies it.
awaitable<Status> apply_keyword(SmsContext& sms, const SmsInbound& inbound,
                                domain::Id customer_id) {
  const auto& message = inbound.message;
  const auto account_id = message.channel_account_id;
  std::string address = message.reply_address;
  if (inbound.keyword == SmsKeyword::opt_out) {
    std::string keyword = trimmed_keyword(message.content);
    std::optional<domain::Id> customer = customer_id;
    co_return co_await sms.opt_outs.record(account_id, std::move(address), customer,
                                           std::move(keyword));
  }
  if (inbound.keyword == SmsKeyword::opt_in) {
    co_return co_await sms.opt_outs.remove(account_id, std::move(address));
  }
  Status nothing = Ok{};
  co_return nothing;
}

awaitable<net::Response> inbound_webhook(SmsContext& sms, net::RequestContext& context) {
  const auto& request = context.request;
  auto hook = co_await verify_webhook(sms, context);
  if (!hook) co_return problem(request, hook.error());
  auto inbound = build_inbound(hook->account_id, hook->config, hook->form);
  if (!inbound) {
    logger()->warn("[{}] SMS account {}: webhook refused: {}", context.request_id, hook->account_id,
                   inbound.error().detail);
    co_return problem(request, inbound.error());
  }
  const auto keyword = inbound->keyword;
  auto message = inbound->message;
  auto stored = co_await sms.ingest.ingest(std::move(message));
  if (!stored) {
    logger()->warn("[{}] SMS account {}: message {} not stored: {}", context.request_id,
                   hook->account_id, inbound->message.provider_message_id, stored.error().detail);
    co_return problem(request, stored.error());
  }
  auto applied = co_await apply_keyword(sms, *inbound, stored->conversation.customer_id);
  if (!applied) {
    logger()->warn("[{}] SMS account {}: keyword {} not applied: {}", context.request_id,
                   hook->account_id, keyword_name(keyword), applied.error().detail);
    co_return problem(request, applied.error());
  }
  logger()->info(
      "[{}] SMS account {}: message {} stored as {} (conversation {}{}{})", context.request_id,
      hook->account_id, inbound->message.provider_message_id, stored->message.id,
      stored->conversation.id, stored->duplicate ? ", duplicate" : "",
      keyword == SmsKeyword::none ? "" : std::string(", keyword ") + keyword_name(keyword));
  if (keyword == SmsKeyword::help && hook->config.help_text) {
    co_return twiml(request, message_twiml(*hook->config.help_text));
  }
  co_return twiml(request, empty_twiml());
}

// Twilio's MessageStatus -> the delivery statuses messages carry; "" = not worth recording.
std::string delivery_status_of(std::string_view status) {
  if (status == "queued" || status == "sent" || status == "delivered" || status == "undelivered" ||
      status == "failed") {
    return std::string(status);
  }
  if (status == "read") return "delivered";   // WhatsApp-style read receipts imply delivery
  if (status == "canceled") return "failed";  // a scheduled message that will never go out
  return {};                                  // sending, accepted, scheduled, receiving ...
}

awaitable<net::Response> status_callback(SmsContext& sms, net::RequestContext& context) {
  const auto& request = context.request;
  auto hook = co_await verify_webhook(sms, context);
  if (!hook) co_return problem(request, hook.error());
  if (hook->form.value("AccountSid") != hook->config.account_sid) {
    co_return problem(request, Error::forbidden("AccountSid is not this channel account's"));
  }
  const auto sid = hook->form.value("MessageSid");
  const auto reported = hook->form.value("MessageStatus");
  const auto status = delivery_status_of(reported);
  auto done = net::make_response(request, http::status::ok, "", "text/plain");
  if (status.empty() || sid.empty()) {
    logger()->debug("[{}] SMS account {}: status {} of {} ignored", context.request_id,
                    hook->account_id, reported, sid);
    co_return done;
  }
  auto error = hook->form.value("ErrorCode");
  if (!error.empty()) error = "Twilio error " + error.substr(0, 16);
  auto recorded = co_await sms.delivery_reports.record(hook->account_id, sid, status, error);
  if (!recorded) {
    if (recorded.error().code == ErrorCode::unavailable)
      co_return problem(request, recorded.error());
    // Unknown sid or status: answering an error would only make the provider retry forever.
    logger()->info("[{}] SMS account {}: status {} of {} not recorded: {}", context.request_id,
                   hook->account_id, status, sid, recorded.error().detail);
    co_return done;
  }
  logger()->debug("[{}] SMS account {}: {} is {}", context.request_id, hook->account_id, sid,
                  status);
  co_return done;
}

awaitable<net::Response> count_segments_route(SmsContext& sms, net::RequestContext& context) {
  const auto& request = context.request;
  const auto header = context.header("Authorization").value_or("");
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() || header.substr(0, kScheme.size()) != kScheme) {
    co_return problem(request, Error::unauthorized("send Authorization: Bearer <token>"));
  }
  auto principal = co_await sms.auth.authenticate(header.substr(kScheme.size()));
  if (!principal) co_return problem(request, principal.error());
  if (ascii_lower(media_type(context)) != "application/json") {
    co_return problem(request,
                      Error{ErrorCode::unsupported_media, "send the body as application/json", {}});
  }
  const auto body = nlohmann::json::parse(request.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    co_return problem(request, Error{ErrorCode::malformed, "the body must be a JSON object", {}});
  }
  const auto text = body.find("text");
  if (text == body.end() || !text->is_string()) {
    co_return problem(request, Error::invalid("text must be a string", "/text"));
  }
  const auto& value = text->get_ref<const std::string&>();
  if (value.size() > kMaxSegmentTextBytes) {
    co_return problem(request, Error::invalid("text exceeds 16384 bytes", "/text"));
  }
  const auto count = count_segments(value);
  co_return problem::json_response(request, http::status::ok,
                                   {{"encoding", encoding_name(count.encoding)},
                                    {"characters", count.characters},
                                    {"units", count.units},
                                    {"segments", count.segments},
                                    {"per_segment", count.per_segment}});
}

}  // namespace

void add_sms_routes(net::Router& router, SmsContext& sms) {
  using http::verb;
  auto* s = &sms;
  router.add(verb::post, "/webhooks/sms/{channel_account_id}",
             [s](net::RequestContext& c) { return inbound_webhook(*s, c); });
  router.add(verb::post, "/webhooks/sms/{channel_account_id}/status",
             [s](net::RequestContext& c) { return status_callback(*s, c); });
  router.add(verb::post, "/api/v1/channels/sms/segments",
             [s](net::RequestContext& c) { return count_segments_route(*s, c); });
}

}  // namespace cc::channels::sms
