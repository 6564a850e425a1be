#include "cc/channels/sms/sms_inbound.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "cc/channels/sms/phone_number.hpp"

namespace cc::channels::sms {
namespace {

constexpr std::size_t kMaxSidBytes = 64;
constexpr std::size_t kMaxUrlBytes = 2048;

bool is_sid(std::string_view text) {
  return !text.empty() && text.size() <= kMaxSidBytes &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
         });
}

std::optional<int> small_number(std::string_view text, int max) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0 || value > max)
    return std::nullopt;
  return value;
}

Result<nlohmann::json> media_of(const FormFields& form) {
  auto media = nlohmann::json::array();
  const auto count_text = form.get("NumMedia").value_or("0");
  const auto count = small_number(count_text, kMaxMedia);
  if (!count)
    return Error::invalid("NumMedia must be 0 to " + std::to_string(kMaxMedia), "NumMedia");
  for (int i = 0; i < *count; ++i) {
    const auto index = std::to_string(i);
    const auto url = form.value("MediaUrl" + index);
    if (url.empty() || url.size() > kMaxUrlBytes ||
        !(url.starts_with("https://") || url.starts_with("http://"))) {
      return Error::invalid("MediaUrl" + index + " must be an http(s) URL", "MediaUrl" + index);
    }
    media.push_back({{"url", url}, {"content_type", form.value("MediaContentType" + index)}});
  }
  return media;
}

}  // namespace

Result<SmsInbound> build_inbound(domain::Id channel_account_id, const SmsConfig& config,
                                 const FormFields& form) {
  const auto sid = form.value("MessageSid");
  if (!is_sid(sid))
    return Error::invalid("MessageSid is missing or not a message id", "MessageSid");
  if (form.value("AccountSid") != config.account_sid) {
    return Error::forbidden("AccountSid is not this channel account's");
  }
  const auto from = normalize_e164(form.value("From"), config.default_country_code);
  if (!from) return Error::invalid("From is not a phone number", "From");
  auto media = media_of(form);
  if (!media) return media.error();
  const auto body = form.value("Body");
  if (body.empty() && media->empty())
    return Error::invalid("the message has neither Body nor media", "Body");

  nlohmann::json metadata{{"to", form.value("To")}};
  if (auto segments = small_number(form.get("NumSegments").value_or(""), 1000))
    metadata["segments"] = *segments;
  if (!media->empty()) metadata["media"] = std::move(*media);

  SmsInbound inbound;
  inbound.keyword = classify_keyword(body);
  auto& message = inbound.message;
  message.channel_account_id = channel_account_id;
  message.channel = domain::Channel::sms;
  message.provider_message_id = sid;
  message.identifiers.push_back(domain::Identifier{"phone", *from, true});
  message.content = body;
  message.content_type = body.empty() ? "media" : "text";
  message.provider_time = std::chrono::system_clock::now();
  message.reply_address = *from;
  message.metadata_json = metadata.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // STOP and HELP are answered here; agents need not see them. An opt-in word stays routable:
  // "YES" is as often an answer to an agent's question as a request to opt in again.
  message.routable = inbound.keyword != SmsKeyword::opt_out && inbound.keyword != SmsKeyword::help;
  return inbound;
}

}  // namespace cc::channels::sms
