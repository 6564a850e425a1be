// The whole ticket transition table: every allowed and every refused move, plus the rules
// around it (customer replies, SLA pauses, mentions).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "cc/domain/ticket.hpp"

namespace cc::domain {
namespace {

using S = TicketState;

// The table as the issue states it, written out independently of the implementation.
const std::map<S, std::set<S>> kExpected{
    {S::new_, {S::open, S::pending, S::on_hold, S::solved}},
    {S::open, {S::pending, S::on_hold, S::solved}},
    {S::pending, {S::open, S::on_hold, S::solved}},
    {S::on_hold, {S::open, S::pending, S::solved}},
    {S::solved, {S::open, S::closed}},
    {S::closed, {}},
};

TEST(TicketStateMachine, EveryPairIsAllowedExactlyWhenTheTableSaysSo) {
  int allowed = 0;
  int refused = 0;
  for (auto from : kAllTicketStates) {
    for (auto to : kAllTicketStates) {
      const bool expected = kExpected.at(from).count(to) == 1;
      const auto result = check_transition(from, to);
      EXPECT_EQ(result.has_value(), expected) << to_string(from) << " -> " << to_string(to);
      if (!result) {
        EXPECT_EQ(result.error().code, ErrorCode::invalid_transition);
        EXPECT_NE(result.error().detail.find(std::string(to_string(to))), std::string::npos);
        ++refused;
      } else {
        ++allowed;
      }
    }
  }
  EXPECT_EQ(allowed, 15);
  EXPECT_EQ(refused, 21);
}

TEST(TicketStateMachine, AllowedListMatchesTheTable) {
  for (auto from : kAllTicketStates) {
    const auto list = allowed_transitions(from);
    EXPECT_EQ(std::set<S>(list.begin(), list.end()), kExpected.at(from)) << to_string(from);
  }
}

TEST(TicketStateMachine, ClosedIsImmutableAndNothingReturnsToNew) {
  EXPECT_TRUE(allowed_transitions(S::closed).empty());
  for (auto from : kAllTicketStates) EXPECT_FALSE(check_transition(from, S::new_).has_value());
  EXPECT_NE(check_transition(S::closed, S::open).error().detail.find("immutable"), std::string::npos);
}

TEST(TicketStateMachine, CustomerReplyReopensSolvedAndPendingOnly) {
  EXPECT_EQ(state_after_customer_reply(S::solved), S::open);
  EXPECT_EQ(state_after_customer_reply(S::pending), S::open);
  EXPECT_EQ(state_after_customer_reply(S::new_), std::nullopt);
  EXPECT_EQ(state_after_customer_reply(S::open), std::nullopt);
  EXPECT_EQ(state_after_customer_reply(S::on_hold), std::nullopt);
  EXPECT_EQ(state_after_customer_reply(S::closed), std::nullopt);
}

TEST(TicketStateMachine, SlaPausesWhileWaitingAndRunsWhileWorking) {
  EXPECT_TRUE(sla_paused_in(S::pending));
  EXPECT_TRUE(sla_paused_in(S::on_hold));
  EXPECT_FALSE(sla_paused_in(S::open));
  EXPECT_TRUE(sla_running_in(S::new_));
  EXPECT_TRUE(sla_running_in(S::open));
  EXPECT_FALSE(sla_running_in(S::solved));
  EXPECT_FALSE(sla_running_in(S::closed));
}

TEST(TicketVocabulary, NamesRoundTripAndUnknownsAreRefused) {
  for (auto state : kAllTicketStates) EXPECT_EQ(parse_ticket_state(to_string(state)), state);
  EXPECT_EQ(to_string(S::new_), "new");
  EXPECT_EQ(to_string(S::on_hold), "on_hold");
  EXPECT_EQ(parse_ticket_type("return"), TicketType::return_);
  EXPECT_EQ(parse_ticket_type("exchange"), TicketType::exchange);
  EXPECT_FALSE(parse_ticket_type("bug").has_value());
  EXPECT_EQ(parse_ticket_priority("urgent"), TicketPriority::urgent);
  EXPECT_FALSE(parse_ticket_priority("Urgent").has_value());
  EXPECT_FALSE(parse_ticket_state("reopened").has_value());
  EXPECT_EQ(raised(TicketPriority::low), TicketPriority::normal);
  EXPECT_EQ(raised(TicketPriority::high), TicketPriority::urgent);
  EXPECT_EQ(raised(TicketPriority::urgent), TicketPriority::urgent);
}

TEST(TicketMentions, FindsHandlesButNotAddressesOrRepeats) {
  EXPECT_EQ(extract_mentions("@Alice please check with @bob@example.com and @alice."),
            (std::vector<std::string>{"alice", "bob@example.com"}));
  EXPECT_TRUE(extract_mentions("mail me at someone@example.com").empty());
  EXPECT_TRUE(extract_mentions("just an @ sign").empty());
  EXPECT_EQ(extract_mentions("(@carol) ok"), (std::vector<std::string>{"carol"}));
}

}  // namespace
}  // namespace cc::domain
