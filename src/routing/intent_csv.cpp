#include "cc/routing/intent_csv.hpp"

namespace cc::routing {

namespace {

// Splits one record starting at pos into fields; advances pos past its line end. Returns false
// (with a message) on an unterminated quote or stray characters after a closing quote.
bool read_record(std::string_view csv, std::size_t& pos, std::size_t& line,
                 std::vector<std::string>& fields, std::string& error) {
  fields.assign(1, {});
  bool quoted = false;
  bool after_quote = false;
  while (pos < csv.size()) {
    const char c = csv[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < csv.size() && csv[pos] == '"') {
          fields.back().push_back('"');
          ++pos;
        } else {
          quoted = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        fields.back().push_back(c);
      }
      continue;
    }
    if (c == ',') {
      fields.emplace_back();
      after_quote = false;
    } else if (c == '\n') {
      return true;
    } else if (c == '\r') {
      // tolerated before \n
    } else if (c == '"' && fields.back().empty() && !after_quote) {
      quoted = true;
    } else if (after_quote) {
      error = "characters after a closing quote";
      while (pos < csv.size() && csv[pos] != '\n') ++pos;
      if (pos < csv.size()) ++pos;
      return false;
    } else {
      fields.back().push_back(c);
    }
  }
  if (quoted) {
    error = "unterminated quoted field";
    return false;
  }
  return true;
}

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

CsvExamples parse_intent_csv(std::string_view csv, std::size_t max_rows) {
  CsvExamples out;
  if (csv.substr(0, 3) == "\xEF\xBB\xBF") csv.remove_prefix(3);  // spreadsheet BOM
  std::size_t pos = 0;
  std::size_t line = 1;
  std::vector<std::string> fields;
  std::string error;
  bool header = true;
  while (pos < csv.size() && out.errors.size() < kMaxCsvErrors) {
    const std::size_t record_line = line;
    const bool ok = read_record(csv, pos, line, fields, error);
    ++line;
    if (!ok) {
      out.errors.push_back({record_line, error});
      continue;
    }
    if (fields.size() == 1 && trim(fields[0]).empty()) continue;  // blank line
    if (header) {
      header = false;
      if (fields.size() != 2 || trim(fields[0]) != "text" || trim(fields[1]) != "intent") {
        out.errors.push_back({record_line, "the header must be text,intent"});
        return out;
      }
      continue;
    }
    if (fields.size() != 2) {
      out.errors.push_back(
          {record_line, "expected 2 fields (text,intent), got " + std::to_string(fields.size())});
      continue;
    }
    if (fields[0].size() > kMaxExampleTextBytes) {
      out.errors.push_back({record_line, "text longer than 2000 bytes"});
      continue;
    }
    if (out.examples.size() >= max_rows) {
      out.errors.push_back({record_line, "more than " + std::to_string(max_rows) + " examples"});
      return out;
    }
    out.examples.push_back({std::move(fields[0]), trim(std::move(fields[1]))});
  }
  if (header && out.errors.empty())
    out.errors.push_back({1, "empty file: the header text,intent is missing"});
  return out;
}

}  // namespace cc::routing
