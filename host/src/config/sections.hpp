// config/sections.hpp — the host-owned sections of an (already
// comment-stripped, parsed and interpolated) config document.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "config/reader.hpp"
#include "nexus/host/config.hpp"

namespace nexus::host::config_detail {

// `base_dir` anchors relative paths (the config file's folder). Fills every
// field of Config except `source`.
Config read_sections(const nlohmann::json& doc, const Reader& reader, const std::filesystem::path& base_dir,
                     const EnvLookup& env);

}  // namespace nexus::host::config_detail
