// libFuzzer target over the SMS adapter's parsers of outside input: the Twilio webhook form,
// the signature check over what it parsed, the inbound message builder, keywords, E.164
// normalisation and the segment counter. Each must return or refuse, never crash, and keep the
// promises checked below.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cc/channels/sms/phone_number.hpp"
#include "cc/channels/sms/sms_form.hpp"
#include "cc/channels/sms/sms_inbound.hpp"
#include "cc/channels/sms/sms_keywords.hpp"
#include "cc/channels/sms/sms_segments.hpp"
#include "cc/channels/sms/sms_signature.hpp"
#include "cc/domain/text_limits.hpp"

namespace sms = cc::channels::sms;

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto form = sms::parse_form(input)) {
    const auto& fields = form->all();
    require(std::is_sorted(fields.begin(), fields.end(),
                           [](const auto& a, const auto& b) { return a.first < b.first; }));
    for (const auto& [name, value] : fields) {
      require(!name.empty() && cc::domain::is_valid_utf8(value));
      require(form->get(name) == std::optional<std::string_view>(value));
    }
    const auto signature =
        sms::twilio_signature("fuzz-token", "https://cc.example/webhooks/sms/1", *form);
    require(sms::verify_twilio_signature("fuzz-token", "https://cc.example/webhooks/sms/1", *form,
                                         signature));
    require(!sms::verify_twilio_signature("fuzz-token", "https://cc.example/webhooks/sms/2", *form,
                                          signature));
    sms::SmsConfig config;
    config.account_sid = "AC1";
    config.default_country_code = "86";
    if (auto inbound = sms::build_inbound(1, config, *form)) {
      require(inbound->message.reply_address.starts_with('+'));
      require(inbound->message.provider_message_id == form->value("MessageSid"));
    }
  }

  (void)sms::classify_keyword(input);
  if (auto phone = sms::normalize_e164(input, "1")) {
    require(phone->size() >= 8 && phone->size() <= 16 && phone->front() == '+');
    require(
        std::all_of(phone->begin() + 1, phone->end(), [](char c) { return c >= '0' && c <= '9'; }));
    require(sms::normalize_e164(*phone) == phone);  // idempotent
  }

  const auto count = sms::count_segments(input);
  require(count.characters <= input.size());
  require(count.units >= count.characters || count.encoding == sms::SmsEncoding::gsm7);
  require(count.units == 0 ? count.segments == 0 : count.segments >= 1);
  require(count.segments * count.per_segment >= count.units);
  return 0;
}
