// Fuzzes the SIP request parser (libosip2 + our checks), the response builder, the stream
// framer and the transaction layer with whatever parses: nothing may crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cc/channels/voice/sip_message.hpp"
#include "cc/channels/voice/sip_transactions.hpp"
#include "cc/net/sip_framing.hpp"

using namespace cc::channels::voice;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static SipTransactions layer({}, 1);
  static auto now = SipTime{} + std::chrono::seconds(1000);
  now += std::chrono::milliseconds(7);
  const SipPeer peer{"192.0.2.1", 5060, size % 2 == 0};
  auto request = parse_sip_request(text, peer);
  if (request) {
    (void)build_sip_response(*request, {302, "Moved Temporarily", "t", {{"Contact", "<sip:a@b>"}}});
    auto incoming = layer.on_request(*request, peer, size % 3 != 0, now);
    if (incoming.route) (void)layer.answer(incoming.key, 302, "Moved Temporarily", {}, now);
    (void)layer.on_timer(now);
  }
  (void)cc::net::next_sip_frame(text, 16 * 1024);
  return 0;
}
