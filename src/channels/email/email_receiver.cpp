#include "cc/channels/email/email_receiver.hpp"

#include <nlohmann/json.hpp>

#include "cc/async/log.hpp"
#include "cc/channels/email/email_config.hpp"
#include "cc/channels/email/email_inbound.hpp"
#include "cc/channels/email/email_parser.hpp"
#include "cc/crypto/encoding.hpp"
#include "cc/crypto/hmac.hpp"
#include "cc/domain/identifiers.hpp"

namespace cc::channels::email {
namespace {

using boost::asio::awaitable;
using nlohmann::json;

constexpr auto kDirectoryTtl = std::chrono::seconds(30);
constexpr auto kMissRefreshAfter = std::chrono::seconds(2);  // a new account is found quickly

std::shared_ptr<spdlog::logger> logger() { return async::module_logger("email"); }

}  // namespace

EmailReceiver::EmailReceiver(services::ChannelAccountService& accounts, services::IngestService& ingest,
                             services::DeliveryReports& reports, services::EmailThreadStore& threads)
    : accounts_(accounts), ingest_(ingest), reports_(reports), threads_(threads) {}

awaitable<Status> EmailReceiver::refresh_directory() {
  std::map<std::string, domain::Id> fresh;
  std::optional<domain::Id> after;
  for (int page_count = 0; page_count < 100; ++page_count) {
    auto page = co_await accounts_.list(after, 200);
    if (!page) co_return page.error();
    for (const auto& account : page->items) {
      if (account.channel != domain::Channel::email || !account.active) continue;
      const auto config = parse_email_config(json::parse(account.config_json, nullptr, false));
      if (!config) continue;
      for (const auto& address : config->addresses) fresh.emplace(address, account.id);
    }
    if (!page->next_cursor || page->items.empty()) break;
    after = page->items.back().id;
  }
  std::lock_guard lock(mutex_);
  directory_ = std::move(fresh);
  refreshed_ = std::chrono::steady_clock::now();
  loaded_ = true;
  co_return Ok{};
}

awaitable<Result<std::optional<domain::Id>>> EmailReceiver::account_for(std::string address) {
  const auto normalized = domain::normalize_email(address);
  if (!normalized) co_return std::optional<domain::Id>();
  const auto key = without_plus_tag(*normalized);
  bool refresh = false;
  {
    std::lock_guard lock(mutex_);
    const auto age = std::chrono::steady_clock::now() - refreshed_;
    const auto it = directory_.find(key);
    if (loaded_ && age < kDirectoryTtl && it != directory_.end()) co_return std::optional<domain::Id>(it->second);
    refresh = !loaded_ || age >= kDirectoryTtl || age >= kMissRefreshAfter;
  }
  if (refresh) {
    auto refreshed = co_await refresh_directory();
    // With the database down a stale directory still answers; without one, try later.
    if (!refreshed) {
      std::lock_guard lock(mutex_);
      if (!loaded_) co_return refreshed.error();
    }
  }
  std::lock_guard lock(mutex_);
  const auto it = directory_.find(key);
  co_return it == directory_.end() ? std::optional<domain::Id>() : std::optional<domain::Id>(it->second);
}

awaitable<net::SmtpVerdict> EmailReceiver::check_recipient(std::string address) {
  auto account = co_await account_for(std::move(address));
  if (!account) co_return net::SmtpVerdict{451, "4.3.0 Cannot look up recipients now, try again later"};
  if (!*account) co_return net::SmtpVerdict::no_such_user();
  co_return net::SmtpVerdict::accept("2.1.5 Recipient OK");
}

awaitable<net::SmtpVerdict> EmailReceiver::deliver(net::SmtpEnvelope envelope, std::string raw) {
  // One message per account the mail was addressed to (normally one).
  std::map<domain::Id, std::string> targets;
  for (const auto& recipient : envelope.recipients) {
    auto account = co_await account_for(recipient);
    if (!account) co_return net::SmtpVerdict::temporary();
    if (*account) targets.emplace(**account, recipient);
  }
  if (targets.empty()) co_return net::SmtpVerdict::no_such_user();
  std::string stored;
  for (const auto& [account_id, recipient] : targets) {
    auto receipt = co_await receive(account_id, recipient, raw, envelope.mail_from);
    if (!receipt) {
      if (receipt.error().code == ErrorCode::unavailable) co_return net::SmtpVerdict::temporary();
      logger()->info("smtp mail from {} refused: {}", envelope.remote, receipt.error().detail);
      co_return net::SmtpVerdict::reject("5.6.0 Message refused: " + receipt.error().detail);
    }
    stored = std::to_string(receipt->message_id);
  }
  co_return net::SmtpVerdict::accept("2.0.0 Stored as message " + stored);
}

awaitable<Result<EmailReceipt>> EmailReceiver::receive(domain::Id channel_account_id, std::string recipient,
                                                       std::string raw, std::optional<std::string> envelope_from) {
  auto parsed = parse_email(raw, parse_limits_);
  if (!parsed) co_return parsed.error();
  InboundContext context{channel_account_id, domain::normalize_email(recipient).value_or(recipient),
                         envelope_from.has_value(), envelope_from.value_or(""),
                         crypto::to_hex(crypto::sha256(raw))};
  auto inbound = to_inbound(*parsed, context);
  if (!inbound) co_return Error{ErrorCode::invalid, "the mail has no usable From address", "From"};

  EmailReceipt receipt;
  // A bounce of one of our replies: that reply failed. Unknown ids are someone else's mail.
  if (parsed->delivery_status && parsed->delivery_status->action == "failed" &&
      !parsed->delivery_status->original_message_id.empty()) {
    const auto& status = *parsed->delivery_status;
    auto applied = co_await reports_.record(channel_account_id, status.original_message_id, "failed",
                                            status.status + " " + status.diagnostic);
    if (!applied && applied.error().code == ErrorCode::unavailable) co_return applied.error();
    receipt.bounce_applied = applied.has_value();
  }

  // Which conversation the mail replies to (plus-address token, else In-Reply-To/References);
  // a mail that replies to nothing we know starts a conversation of its own.
  std::optional<domain::Id> thread_conversation = inbound->conversation_token;
  if (!thread_conversation && !inbound->thread_ids.empty()) {
    auto found = co_await threads_.find_conversation(channel_account_id, inbound->thread_ids);
    if (!found) co_return found.error();
    thread_conversation = *found;
  }
  if (thread_conversation) {
    auto metadata = json::parse(inbound->message.metadata_json);
    metadata["thread_conversation_id"] = std::to_string(*thread_conversation);
    inbound->message.metadata_json = metadata.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  inbound->message.conversation_hint = thread_conversation;
  inbound->message.starts_thread = !thread_conversation;

  const auto message_id = parsed->message_id;
  const auto subject = parsed->subject;
  auto stored = co_await ingest_.ingest(std::move(inbound->message));
  if (!stored) co_return stored.error();
  receipt.duplicate = stored->duplicate;
  receipt.routable = inbound->machine_reason.empty();
  receipt.conversation_id = stored->conversation.id;
  receipt.message_id = stored->message.id;
  if (!message_id.empty()) {
    // Committed already: failing to record the id only loses threading for this one mail.
    auto remembered = co_await threads_.remember(channel_account_id, message_id, receipt.conversation_id,
                                                 domain::Direction::inbound, subject);
    if (!remembered) logger()->warn("email message id of message {} not recorded: {}", receipt.message_id,
                                    remembered.error().detail);
  }
  logger()->info("email stored message {} in conversation {} (account {}, duplicate {}, routable {})",
                 receipt.message_id, receipt.conversation_id, channel_account_id, receipt.duplicate,
                 receipt.routable);
  co_return receipt;
}

}  // namespace cc::channels::email
