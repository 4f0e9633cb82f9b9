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
// "transcription" (transcription_section.cpp). Instance names must exist
// in `instances`; whether they provide the right interface is checked once
// plugins are loaded (runtime/snapshot.cpp), at start and on every reload.
TranscriptionConfig read_transcription(const nlohmann::json& v, const Reader& reader,
                                       const std::vector<InstanceConfig>& instances);

Config read_sections(const nlohmann::json& doc, const Reader& reader, const std::filesystem::path& base_dir,
                     const EnvLookup& env);

}  // namespace nexus::host::config_detail
