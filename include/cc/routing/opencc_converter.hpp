#pragma once
// OpenCC's Traditional -> Simplified converter (config t2s.json from /usr/share/opencc) behind
// the ChineseConverter interface. Loaded once at start-up; conversion is thread-safe.
#include <memory>
#include <string>

#include "cc/routing/normalizer.hpp"

namespace cc::routing {

inline constexpr const char* kOpenccT2sConfig = "/usr/share/opencc/t2s.json";

// Null, with the reason in *error, when the configuration or its dictionaries cannot be loaded.
std::shared_ptr<const ChineseConverter> open_opencc_converter(const std::string& config_path,
                                                              std::string* error);

}  // namespace cc::routing
