#pragma once
// Substring search for a normalised term in normalised text that respects word boundaries for
// alphabetic scripts: a term starting (ending) with a letter or digit must not continue a word,
// so "hi" is not found in "this" and "sue" not in "issue". Han text has no boundaries to check.
#include <string_view>

namespace cc::routing {

bool contains_term(std::string_view text, std::string_view term);

}  // namespace cc::routing
