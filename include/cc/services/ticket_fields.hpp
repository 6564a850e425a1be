#pragma once
// Custom ticket fields defined by admins: parsing a definition (REST body) and validating a
// ticket's custom_fields object against the definitions (422 naming "custom_fields/<key>").
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cc/domain/error.hpp"
#include "cc/services/ports/ticket_lifecycle_store.hpp"

namespace cc::services {

// {key, label, type: text|number|date|boolean|bool|select|enum, options (select), required}.
// "bool" and "enum" are accepted as the names of boolean and select.
Result<TicketFieldDefinition> ticket_field_from(const nlohmann::json& body);
nlohmann::json ticket_field_json(const TicketFieldDefinition& field);

// Every key must be defined and its value of the field's type (null clears a field); with
// `require_all`, every required field must have a non-null value.
Status check_custom_fields(const std::vector<TicketFieldDefinition>& fields, const nlohmann::json& values,
                           bool require_all);

// A PATCH's custom_fields applied to the stored object: keys set replace, null removes.
nlohmann::json merged_custom_fields(const nlohmann::json& current, const nlohmann::json& changes);

}  // namespace cc::services
