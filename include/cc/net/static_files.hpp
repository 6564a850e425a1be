#pragma once
// Serves the web/ folder (workbench, demo chat page, widget script) as a router fallback.
// Paths are confined to the root: "..", NUL and backslashes are refused.
#include <filesystem>
#include <map>
#include <string>

#include "cc/net/http_types.hpp"

namespace cc::net {

class StaticFiles {
 public:
  // `aliases` map a request path to a file under root, e.g. "/chat" -> "chat/index.html".
  StaticFiles(std::filesystem::path root, std::map<std::string, std::string> aliases);
  asio::awaitable<Response> serve(RequestContext& context) const;

 private:
  std::filesystem::path root_;
  std::map<std::string, std::string> aliases_;
};

std::string_view content_type_for(const std::filesystem::path& file);

}  // namespace cc::net
