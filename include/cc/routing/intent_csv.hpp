#pragma once
// Reads labelled examples from CSV with the header `text,intent` (RFC 4180 quoting; CRLF or LF).
// Used for data/intents/*.csv and for the admin's text/csv upload; errors carry the 1-based line.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cc/routing/intent_model.hpp"

namespace cc::routing {

struct CsvError {
  std::size_t line;
  std::string message;
};

struct CsvExamples {
  std::vector<LabelledExample> examples;
  std::vector<CsvError> errors;  // at most kMaxCsvErrors, then parsing stops
};

inline constexpr std::size_t kMaxCsvErrors = 20;
inline constexpr std::size_t kMaxExampleTextBytes = 2000;

CsvExamples parse_intent_csv(std::string_view csv, std::size_t max_rows = kMaxTrainingExamples);

}  // namespace cc::routing
