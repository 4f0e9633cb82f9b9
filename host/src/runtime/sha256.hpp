// runtime/sha256.hpp — SHA-256 of files and bytes, as lower-case hex.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace nexus::host {

// Throws std::runtime_error naming the file when it cannot be read.
std::string sha256_file_hex(const std::filesystem::path& file);
std::string sha256_hex(std::string_view bytes);

}  // namespace nexus::host
