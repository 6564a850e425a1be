// Custom ticket fields: definitions from admin bodies, and values checked against them.
#include <gtest/gtest.h>

#include "cc/services/ticket_fields.hpp"

namespace cc::services {
namespace {

using nlohmann::json;

std::vector<TicketFieldDefinition> sample_fields() {
  return {
      {"order_no", "Order", "text", {}, true},
      {"amount", "Amount", "number", {}, false},
      {"due", "Due", "date", {}, false},
      {"vip", "VIP", "boolean", {}, false},
      {"channel", "Channel", "select", {"phone", "mail"}, false},
  };
}

std::string field_of(const Status& status) { return status ? "" : status.error().field; }

TEST(TicketFieldsTest, DefinitionAcceptsTheFiveTypesAndTheirShortNames) {
  auto field = ticket_field_from(json{{"key", "refund_reason"}, {"type", "enum"}, {"options", {"late", "broken"}},
                                      {"required", true}});
  ASSERT_TRUE(field) << field.error().detail;
  EXPECT_EQ(field->type, "select");
  EXPECT_TRUE(field->required);
  EXPECT_EQ(ticket_field_json(*field)["type"], "enum");
  auto flag = ticket_field_from(json{{"key", "gift"}, {"type", "bool"}});
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->type, "boolean");
  EXPECT_EQ(flag->label, "gift");
  for (const char* type : {"text", "number", "date"}) {
    EXPECT_TRUE(ticket_field_from(json{{"key", "x"}, {"type", type}})) << type;
  }
}

TEST(TicketFieldsTest, DefinitionRefusesBadKeysTypesAndOptions) {
  EXPECT_EQ(ticket_field_from(json{{"key", "Bad Key"}}).error().field, "key");
  EXPECT_EQ(ticket_field_from(json{{"type", "text"}}).error().field, "key");
  EXPECT_EQ(ticket_field_from(json{{"key", "k"}, {"type", "blob"}}).error().field, "type");
  EXPECT_EQ(ticket_field_from(json{{"key", "k"}, {"type", "enum"}}).error().field, "options");
  EXPECT_EQ(ticket_field_from(json{{"key", "k"}, {"type", "text"}, {"options", {"a"}}}).error().field, "options");
  EXPECT_EQ(ticket_field_from(json{{"key", "k"}, {"required", "yes"}}).error().field, "required");
  EXPECT_EQ(ticket_field_from(json{{"key", "k"}, {"colour", "red"}}).error().field, "colour");
}

TEST(TicketFieldsTest, ValuesOfTheRightTypePass) {
  const json values{{"order_no", "A-1"}, {"amount", 12.5}, {"due", "2026-12-24"}, {"vip", true},
                    {"channel", "mail"}};
  EXPECT_TRUE(check_custom_fields(sample_fields(), values, true));
}

TEST(TicketFieldsTest, EachWrongValueIsNamed) {
  const auto fields = sample_fields();
  EXPECT_EQ(field_of(check_custom_fields(fields, json{{"amount", "12"}}, false)), "custom_fields/amount");
  EXPECT_EQ(field_of(check_custom_fields(fields, json{{"due", "24.12.2026"}}, false)), "custom_fields/due");
  EXPECT_EQ(field_of(check_custom_fields(fields, json{{"due", "2026-02-30"}}, false)), "custom_fields/due");
  EXPECT_EQ(field_of(check_custom_fields(fields, json{{"vip", 1}}, false)), "custom_fields/vip");
  EXPECT_EQ(field_of(check_custom_fields(fields, json{{"channel", "fax"}}, false)), "custom_fields/channel");
  EXPECT_EQ(field_of(check_custom_fields(fields, json{{"order_no", 7}}, false)), "custom_fields/order_no");
  EXPECT_EQ(field_of(check_custom_fields(fields, json{{"colour", "red"}}, false)), "custom_fields/colour");
}

TEST(TicketFieldsTest, RequiredFieldsAreCheckedOnlyWhenAsked) {
  const auto fields = sample_fields();
  EXPECT_EQ(field_of(check_custom_fields(fields, json::object(), true)), "custom_fields/order_no");
  EXPECT_EQ(field_of(check_custom_fields(fields, json{{"order_no", nullptr}}, true)), "custom_fields/order_no");
  EXPECT_TRUE(check_custom_fields(fields, json::object(), false));
}

TEST(TicketFieldsTest, MergeReplacesSetKeysAndRemovesNulls) {
  const auto merged = merged_custom_fields(json{{"a", 1}, {"b", "x"}}, json{{"b", nullptr}, {"c", true}});
  EXPECT_EQ(merged, (json{{"a", 1}, {"c", true}}));
}

}  // namespace
}  // namespace cc::services
