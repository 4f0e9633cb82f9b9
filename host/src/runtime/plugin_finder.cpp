#include "runtime/plugin_finder.hpp"

#include <algorithm>
#include <map>
#include <system_error>

namespace nexus::host {

namespace fs = std::filesystem;

std::string plugin_file_name(const std::string& id) { return "libnexus_" + id + ".so"; }

std::optional<fs::path> find_plugin_file(const std::string& id, const std::vector<fs::path>& dirs) {
  std::error_code ec;
  for (const auto& d : dirs) {
    const fs::path p = d / plugin_file_name(id);
    if (fs::is_regular_file(p, ec)) return p;
  }
  return std::nullopt;
}

std::vector<fs::path> list_plugin_files(const std::vector<fs::path>& dirs) {
  std::map<std::string, fs::path> by_name;
  for (const auto& d : dirs) {
    std::error_code ec;
    for (fs::directory_iterator it(d, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.rfind("libnexus_", 0) == 0 && name.size() > 12 && name.substr(name.size() - 3) == ".so" &&
          it->is_regular_file(ec) && !by_name.count(name))
        by_name[name] = it->path();
    }
  }
  std::vector<fs::path> out;
  for (auto& [n, p] : by_name) out.push_back(p);
  return out;
}

}  // namespace nexus::host
