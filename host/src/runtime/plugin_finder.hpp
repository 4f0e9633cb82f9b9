// runtime/plugin_finder.hpp — where a plugin id's library file is.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nexus::host {

// The conventional file name of plugin `id`: libnexus_<id>.so.
std::string plugin_file_name(const std::string& id);

// First `dirs[i]/libnexus_<id>.so` that exists, or nullopt.
std::optional<std::filesystem::path> find_plugin_file(const std::string& id, const std::vector<std::filesystem::path>& dirs);

// Every libnexus_*.so in `dirs` (not recursive), sorted by file name; a
// file name seen in an earlier dir hides later ones.
std::vector<std::filesystem::path> list_plugin_files(const std::vector<std::filesystem::path>& dirs);

}  // namespace nexus::host
