#include "cc/channels/sms/sms_keywords.hpp"

#include <array>
#include <string>

namespace cc::channels::sms {
namespace {

constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";  // U+3000

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view text) {
  for (;;) {
    if (!text.empty() && is_ascii_space(text.front())) {
      text.remove_prefix(1);
      continue;
    }
    if (!text.empty() && is_ascii_space(text.back())) {
      text.remove_suffix(1);
      continue;
    }
    if (text.starts_with(kIdeographicSpace)) {
      text.remove_prefix(kIdeographicSpace.size());
      continue;
    }
    if (text.ends_with(kIdeographicSpace)) {
      text.remove_suffix(kIdeographicSpace.size());
      continue;
    }
    return text;
  }
}

bool any_of(std::string_view word, std::initializer_list<std::string_view> list) {
  for (auto candidate : list) {
    if (word == candidate) return true;
  }
  return false;
}

}  // namespace

SmsKeyword classify_keyword(std::string_view body) {
  const auto trimmed = trim(body);
  if (trimmed.empty() || trimmed.size() > 16) return SmsKeyword::none;
  std::string word(trimmed);
  for (char& c : word) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (any_of(word, {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "TD",
                    "\xE9\x80\x80\xE8\xAE\xA2" /* 退订 */})) {
    return SmsKeyword::opt_out;
  }
  if (any_of(word, {"START", "YES", "UNSTOP"})) return SmsKeyword::opt_in;
  if (word == "HELP") return SmsKeyword::help;
  return SmsKeyword::none;
}

const char* keyword_name(SmsKeyword keyword) {
  switch (keyword) {
    case SmsKeyword::opt_out:
      return "opt_out";
    case SmsKeyword::opt_in:
      return "opt_in";
    case SmsKeyword::help:
      return "help";
    case SmsKeyword::none:
      break;
  }
  return "none";
}

}  // namespace cc::channels::sms
