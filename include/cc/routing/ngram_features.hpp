#pragma once
// Features of normalised text for the intent classifier, as 64-bit hashes: Han character 1-, 2-
// and 3-grams (Chinese needs no word segmentation this way); for Latin, Greek and Cyrillic
// scripts word unigrams, word bigrams and character 3-grams of each word with boundary marks.
// Long digit runs (order numbers, phones) all become one "number" feature.
#include <cstdint>
#include <string_view>
#include <vector>

namespace cc::routing {

// Distinct features (each at most once: presence, not counts), in no particular order.
std::vector<std::uint64_t> extract_features(std::string_view normalized_text);

}  // namespace cc::routing
