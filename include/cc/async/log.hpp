#pragma once
// One named spdlog logger per module ("net", "api", "store" ...), cloned from the default logger
// that app/ configures, so level and sinks are set in one place.
#include <memory>
#include <spdlog/spdlog.h>
#include <string>

namespace cc::async {

inline std::shared_ptr<spdlog::logger> module_logger(const std::string& name) {
  if (auto existing = spdlog::get(name)) return existing;
  auto created = spdlog::default_logger()->clone(name);
  try {
    spdlog::register_logger(created);
  } catch (const spdlog::spdlog_ex&) {
    return spdlog::get(name);  // another thread registered it first
  }
  return created;
}

}  // namespace cc::async
