#include "cc/net/static_files.hpp"

#include <fstream>
#include <sstream>

namespace cc::net {

std::string_view content_type_for(const std::filesystem::path& file) {
  const auto extension = file.extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".json") return "application/json";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".ico") return "image/x-icon";
  return "application/octet-stream";
}

StaticFiles::StaticFiles(std::filesystem::path root, std::map<std::string, std::string> aliases)
    : root_(std::move(root)), aliases_(std::move(aliases)) {}

asio::awaitable<Response> StaticFiles::serve(RequestContext& context) const {
  const auto& request = context.request;
  std::string relative(context.path());
  if (const auto alias = aliases_.find(relative); alias != aliases_.end()) {
    relative = alias->second;
  }
  while (!relative.empty() && relative.front() == '/') relative.erase(0, 1);
  const bool unsafe = relative.empty() || relative.find("..") != std::string::npos ||
                      relative.find('\\') != std::string::npos ||
                      relative.find('\0') != std::string::npos;
  if (unsafe) {
    co_return make_problem(request, http::status::not_found, "Not found", "no such resource");
  }
  const auto file = root_ / relative;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    co_return make_problem(request, http::status::not_found, "Not found", "no such resource");
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  auto response = make_response(request, http::status::ok, content.str(), content_type_for(file));
  response.set(http::field::cache_control, "no-cache");
  response.set("X-Content-Type-Options", "nosniff");
  co_return response;
}

}  // namespace cc::net
