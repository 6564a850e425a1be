#include "cc/routing/opencc_converter.hpp"

#include <opencc/opencc.h>

#include <exception>

namespace cc::routing {

namespace {

class OpenccConverter final : public ChineseConverter {
 public:
  explicit OpenccConverter(const std::string& config) : converter_(config) {}

  std::string convert(std::string_view utf8) const override {
    // OpenCC's Convert(const char*, size_t) reads exactly length bytes; it is const and keeps no
    // per-call state, so one instance serves every thread.
    return converter_.Convert(utf8.data(), utf8.size());
  }

 private:
  opencc::SimpleConverter converter_;
};

}  // namespace

std::shared_ptr<const ChineseConverter> open_opencc_converter(const std::string& config_path,
                                                              std::string* error) {
  try {
    return std::make_shared<const OpenccConverter>(config_path);
  } catch (const std::exception& e) {
    if (error) *error = "cannot load OpenCC config " + config_path + ": " + e.what();
  }
  return nullptr;
}

}  // namespace cc::routing
