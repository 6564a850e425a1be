// The transaction layer with an injected clock: retransmissions answered without a second
// decision, Timer G doubling to T2, Timer H giving up, ACK absorbed, CANCEL, OPTIONS, 483, 420,
// 405, 403, and TCP without retransmissions.
#include <gtest/gtest.h>

#include "cc/channels/voice/sip_transactions.hpp"

using namespace cc::channels::voice;
using namespace std::chrono_literals;

namespace {

const SipPeer kUdp{"10.0.0.5", 5070, false};
const SipPeer kTcp{"10.0.0.5", 40000, true};

std::string request_text(const std::string& method, const std::string& extra = {},
                         const std::string& branch = "z9hG4bK-t1", const std::string& cseq_method = {}) {
  return method + " sip:+15550100@pbx SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5070;branch=" + branch +
         "\r\nFrom: <sip:+15550199@pbx>;tag=f1\r\nTo: <sip:+15550100@pbx>\r\nCall-ID: call-1\r\nCSeq: 1 " +
         (cseq_method.empty() ? method : cseq_method) + "\r\nMax-Forwards: 70\r\n" + extra + "Content-Length: 0\r\n\r\n";
}

SipRequest parse(const std::string& text, const SipPeer& peer = kUdp) {
  auto request = parse_sip_request(text, peer);
  EXPECT_TRUE(request) << (request ? "" : request.error().detail);
  return *request;
}

int status_of(const std::string& response) { return std::stoi(response.substr(8, 3)); }

struct Clock {
  SipTime now = SipTime{} + 1000s;
};

}  // namespace

TEST(SipTransactions, NewInviteGetsTryingAndOneDecision) {
  SipTransactions layer({}, 1);
  Clock clock;
  auto first = layer.on_request(parse(request_text("INVITE")), kUdp, true, clock.now);
  ASSERT_EQ(first.replies.size(), 1u);
  EXPECT_EQ(status_of(first.replies[0]), 100);
  EXPECT_TRUE(first.route);
  auto again = layer.on_request(parse(request_text("INVITE")), kUdp, true, clock.now + 100ms);
  EXPECT_FALSE(again.route) << "a retransmission never makes a second decision";
  ASSERT_EQ(again.replies.size(), 1u);
  EXPECT_EQ(status_of(again.replies[0]), 100);
}

TEST(SipTransactions, RetransmittedInviteGetsTheSameFinalResponse) {
  SipTransactions layer({}, 1);
  Clock clock;
  auto first = layer.on_request(parse(request_text("INVITE")), kUdp, true, clock.now);
  auto final_response = layer.answer(first.key, 302, "Moved Temporarily", {{"Contact", "<sip:1001@pbx>"}}, clock.now);
  ASSERT_TRUE(final_response);
  auto again = layer.on_request(parse(request_text("INVITE")), kUdp, true, clock.now + 10ms);
  ASSERT_EQ(again.replies.size(), 1u);
  EXPECT_EQ(again.replies[0], *final_response);
  EXPECT_FALSE(again.route);
  EXPECT_FALSE(layer.answer(first.key, 302, "again", {}, clock.now)) << "answered once only";
}

TEST(SipTransactions, TimerGDoublesUpToT2UntilAckAndTimerHGivesUp) {
  SipTransactions layer({500ms, 4000ms, 5000ms}, 1);
  const auto start = SipTime{} + 1000s;
  auto first = layer.on_request(parse(request_text("INVITE")), kUdp, true, start);
  ASSERT_TRUE(layer.answer(first.key, 302, "Moved Temporarily", {}, start));
  std::vector<std::chrono::milliseconds> sent_at;
  std::vector<std::string> unacknowledged;
  for (auto t = 0ms; t <= 33000ms; t += 10ms) {
    auto out = layer.on_timer(start + t);
    for (auto& r : out.retransmissions) {
      EXPECT_EQ(status_of(r.data), 302);
      EXPECT_EQ(r.to.port, 5070);
      sent_at.push_back(t);
    }
    for (auto& id : out.unacknowledged_call_ids) unacknowledged.push_back(id);
  }
  // 500, 1500, 3500, 7500 (interval capped at 4 s) 11500, ... until 32 s.
  ASSERT_GE(sent_at.size(), 5u);
  EXPECT_EQ(sent_at[0], 500ms);
  EXPECT_EQ(sent_at[1], 1500ms);
  EXPECT_EQ(sent_at[2], 3500ms);
  EXPECT_EQ(sent_at[3], 7500ms);
  EXPECT_EQ(sent_at[4], 11500ms);
  EXPECT_LT(sent_at.back(), 32000ms);
  EXPECT_EQ(unacknowledged, std::vector<std::string>{"call-1"});
  EXPECT_EQ(layer.size(), 0u);
}

TEST(SipTransactions, AckStopsRetransmissionsAndIsAbsorbed) {
  SipTransactions layer({}, 1);
  const auto start = SipTime{} + 1000s;
  auto first = layer.on_request(parse(request_text("INVITE")), kUdp, true, start);
  ASSERT_TRUE(layer.answer(first.key, 302, "Moved Temporarily", {}, start));
  auto ack = layer.on_request(parse(request_text("ACK", {}, "z9hG4bK-t1")), kUdp, true, start + 100ms);
  EXPECT_TRUE(ack.replies.empty());
  EXPECT_FALSE(ack.route);
  for (auto t = 0ms; t <= 40000ms; t += 100ms) {
    auto out = layer.on_timer(start + t);
    EXPECT_TRUE(out.retransmissions.empty());
    EXPECT_TRUE(out.unacknowledged_call_ids.empty());
  }
  EXPECT_EQ(layer.size(), 0u) << "Timer I removed the confirmed transaction";
}

TEST(SipTransactions, TcpFinalResponsesAreNotRetransmitted) {
  SipTransactions layer({}, 1);
  const auto start = SipTime{} + 1000s;
  auto first = layer.on_request(parse(request_text("INVITE"), kTcp), kTcp, true, start);
  ASSERT_TRUE(layer.answer(first.key, 302, "Moved Temporarily", {}, start));
  for (auto t = 0ms; t <= 40000ms; t += 100ms) EXPECT_TRUE(layer.on_timer(start + t).retransmissions.empty());
}

TEST(SipTransactions, CancelBeforeTheAnswerGets200And487) {
  SipTransactions layer({}, 1);
  Clock clock;
  auto invite = layer.on_request(parse(request_text("INVITE")), kUdp, true, clock.now);
  auto cancel = layer.on_request(parse(request_text("CANCEL")), kUdp, true, clock.now + 5ms);
  ASSERT_EQ(cancel.replies.size(), 2u);
  EXPECT_EQ(status_of(cancel.replies[0]), 200);
  EXPECT_NE(cancel.replies[0].find("CSeq: 1 CANCEL"), std::string::npos);
  EXPECT_EQ(status_of(cancel.replies[1]), 487);
  EXPECT_NE(cancel.replies[1].find("CSeq: 1 INVITE"), std::string::npos);
  EXPECT_EQ(cancel.cancelled_call_id, "call-1");
  EXPECT_FALSE(layer.answer(invite.key, 302, "Moved Temporarily", {}, clock.now + 10ms))
      << "the decision that lost the race is not sent";
  auto unacked = layer.on_timer(clock.now + 40s);
  EXPECT_TRUE(unacked.unacknowledged_call_ids.empty()) << "a cancelled call holds no agent";
}

TEST(SipTransactions, CancelAfterTheAnswerGets200OnlyAndUnknownGets481) {
  SipTransactions layer({}, 1);
  Clock clock;
  auto invite = layer.on_request(parse(request_text("INVITE")), kUdp, true, clock.now);
  ASSERT_TRUE(layer.answer(invite.key, 302, "Moved Temporarily", {}, clock.now));
  auto cancel = layer.on_request(parse(request_text("CANCEL")), kUdp, true, clock.now);
  ASSERT_EQ(cancel.replies.size(), 1u);
  EXPECT_EQ(status_of(cancel.replies[0]), 200);
  auto stray = layer.on_request(parse(request_text("CANCEL", {}, "z9hG4bK-other")), kUdp, true, clock.now);
  ASSERT_EQ(stray.replies.size(), 1u);
  EXPECT_EQ(status_of(stray.replies[0]), 481);
}

TEST(SipTransactions, PolicyAnswers) {
  SipTransactions layer({}, 1);
  Clock clock;
  auto options = layer.on_request(parse(request_text("OPTIONS", {}, "z9hG4bK-o")), kUdp, true, clock.now);
  ASSERT_EQ(options.replies.size(), 1u);
  EXPECT_EQ(status_of(options.replies[0]), 200);
  EXPECT_NE(options.replies[0].find("Allow: INVITE, ACK, CANCEL, OPTIONS"), std::string::npos);

  auto hops = layer.on_request(parse(request_text("INVITE", {}, "z9hG4bK-h").replace(
                                   request_text("INVITE", {}, "z9hG4bK-h").find("Max-Forwards: 70"), 16, "Max-Forwards: 0")),
                               kUdp, true, clock.now);
  EXPECT_EQ(status_of(hops.replies.at(0)), 483);
  EXPECT_FALSE(hops.route);

  auto require = layer.on_request(parse(request_text("INVITE", "Require: 100rel\r\n", "z9hG4bK-q")), kUdp, true, clock.now);
  EXPECT_EQ(status_of(require.replies.at(0)), 420);
  EXPECT_NE(require.replies[0].find("Unsupported: 100rel"), std::string::npos);

  auto bye = layer.on_request(parse(request_text("BYE", {}, "z9hG4bK-b")), kUdp, true, clock.now);
  EXPECT_EQ(status_of(bye.replies.at(0)), 405);
  EXPECT_NE(bye.replies[0].find("Allow: "), std::string::npos);

  auto stranger = layer.on_request(parse(request_text("INVITE", {}, "z9hG4bK-s")), kUdp, false, clock.now);
  EXPECT_EQ(status_of(stranger.replies.at(0)), 403);
  EXPECT_FALSE(stranger.route);
}

TEST(SipTransactions, FinalResponsesCarryOneToTagTheCancel200Shares) {
  SipTransactions layer({}, 7);
  Clock clock;
  layer.on_request(parse(request_text("INVITE")), kUdp, true, clock.now);
  auto cancel = layer.on_request(parse(request_text("CANCEL")), kUdp, true, clock.now);
  const auto tag_of = [](const std::string& r) {
    const auto to = r.find("\r\nTo: ");
    const auto tag = r.find(";tag=", to);
    return r.substr(tag, r.find("\r\n", tag) - tag);
  };
  EXPECT_EQ(tag_of(cancel.replies[0]), tag_of(cancel.replies[1]));
  EXPECT_EQ(cancel.replies[0].find("\r\nTo: <sip:+15550100@pbx>\r\n"), std::string::npos) << "a tag was added";
}

// RFC 3261 17.2.3 for RFC 2543 peers (no magic cookie): the ACK matches by Request-URI, From tag,
// Call-ID, CSeq number and top Via, and must carry the To tag of our final response.
TEST(SipTransactions, Rfc2543AckMatchesByDialogFieldsAndOurToTag) {
  SipTransactions layer({}, 1);
  const auto start = SipTime{} + 1000s;
  const auto text = [](const std::string& method, const std::string& to_tag, const std::string& uri) {
    return method + " " + uri + " SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5070\r\n"
           "From: <sip:+15550199@pbx>;tag=f1\r\nTo: <sip:+15550100@pbx>" + to_tag +
           "\r\nCall-ID: old-1\r\nCSeq: 7 " + method + "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  };
  auto first = layer.on_request(parse(text("INVITE", "", "sip:+15550100@pbx")), kUdp, true, start);
  ASSERT_TRUE(first.route);
  auto final_response = layer.answer(first.key, 302, "Moved Temporarily", {}, start);
  ASSERT_TRUE(final_response);
  const auto tag_at = final_response->find(";tag=", final_response->find("\r\nTo:"));
  const auto our_tag = final_response->substr(tag_at + 5, 16);

  // Another Request-URI, or a To tag that is not ours: not this transaction's ACK.
  layer.on_request(parse(text("ACK", ";tag=" + our_tag, "sip:+15550101@pbx")), kUdp, true, start + 10ms);
  layer.on_request(parse(text("ACK", ";tag=someone-else", "sip:+15550100@pbx")), kUdp, true, start + 20ms);
  EXPECT_EQ(layer.on_timer(start + 500ms).retransmissions.size(), 1u) << "the 302 still repeats";

  auto ack = layer.on_request(parse(text("ACK", ";tag=" + our_tag, "sip:+15550100@pbx")), kUdp, true, start + 600ms);
  EXPECT_TRUE(ack.replies.empty());
  for (auto t = 600ms; t <= 40000ms; t += 100ms) {
    auto out = layer.on_timer(start + t);
    EXPECT_TRUE(out.retransmissions.empty());
    EXPECT_TRUE(out.unacknowledged_call_ids.empty());
  }
  EXPECT_EQ(layer.size(), 0u);
}

// What sipp sends (captured): the ACK for a 302 repeats the INVITE's branch and sent-by, with our
// To tag and the caller's From tag; that ends Timer G.
TEST(SipTransactions, SippStyleAckWithTheInvitesBranchStopsTheRetransmissions) {
  SipTransactions layer({}, 1);
  const auto start = SipTime{} + 1000s;
  const std::string invite =
      "INVITE sip:+15550100@127.0.0.1:5062 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bK-10334-1-inv\r\n"
      "From: \"Caller\" <sip:+8613812345199@127.0.0.1:5060>;tag=10334-1\r\nTo: <sip:+15550100@127.0.0.1:5062>\r\n"
      "Call-ID: 1-10334@127.0.0.1\r\nCSeq: 1 INVITE\r\nContact: <sip:+8613812345199@127.0.0.1:5060>\r\n"
      "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  const SipPeer sipp{"127.0.0.1", 5060, false};
  auto first = layer.on_request(parse(invite, sipp), sipp, true, start);
  ASSERT_TRUE(layer.answer(first.key, 302, "Moved Temporarily", {{"Contact", "<sip:1001@pbx>"}}, start));
  const std::string ack =
      "ACK sip:+15550100@127.0.0.1:5062 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bK-10334-1-inv\r\n"
      "From: \"Caller\" <sip:+8613812345199@127.0.0.1:5060>;tag=10334-1\r\nTo: <sip:+15550100@127.0.0.1:5062>;tag=abc\r\n"
      "Call-ID: 1-10334@127.0.0.1\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  layer.on_request(parse(ack, sipp), sipp, true, start + 5ms);
  for (auto t = 5ms; t <= 40000ms; t += 100ms) EXPECT_TRUE(layer.on_timer(start + t).retransmissions.empty());
}
