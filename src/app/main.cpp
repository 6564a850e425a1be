// cc-server [--config FILE] [serve | migrate | seed-demo | routes | version]
#include <iostream>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cc/app/server.hpp"

namespace {

void usage() {
  std::cerr << "usage: cc-server [--config FILE] [serve | migrate | seed-demo | routes | version]\n"
               "Settings come from FILE (TOML) and CC_* environment variables; see\n"
               "config/contact-center.example.toml.\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<std::filesystem::path> config_file;
  std::string command = "serve";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_file = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      usage();
      return 0;
    } else if (arg == "serve" || arg == "migrate" || arg == "seed-demo" || arg == "version" ||
               arg == "routes") {
      command = arg;
    } else {
      usage();
      return 2;
    }
  }
  if (command == "version") {
    std::cout << "cc-server 0.1.0\n";
    return 0;
  }
  const auto env = cc::app::process_environment();
  if (!config_file) {
    if (auto from_env = env("CC_CONFIG")) config_file = *from_env;
  }
  auto config = cc::app::load_config(config_file, env);
  if (!config) {
    std::cerr << "cc-server: " << config.error().detail << "\n";
    return 2;
  }
  spdlog::set_default_logger(spdlog::stdout_color_mt("cc"));
  spdlog::set_level(spdlog::level::from_str(config->server.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ [%n] %v");

  try {
    if (command == "migrate") return cc::app::migrate_only(*config);
    if (command == "seed-demo") return cc::app::seed_demo(*config, env);
    if (command == "routes") return cc::app::print_routes(*config);
    return cc::app::serve(*config);
  } catch (const std::exception& e) {
    spdlog::critical("cc-server stopped: {}", e.what());
    return 1;
  }
}
