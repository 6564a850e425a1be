#pragma once
// Opaque list cursors: a keyset position encoded so clients cannot build or depend on it.
#include <optional>
#include <string>
#include <string_view>

#include "cc/domain/types.hpp"

namespace cc::domain {

std::string encode_cursor(Id last_id);
std::optional<Id> decode_cursor(std::string_view cursor);

// Clamps a client-requested page size into [1, max]; absent or invalid -> fallback.
int clamp_page_size(std::optional<int> requested, int fallback = 50, int max = 200);

}  // namespace cc::domain
