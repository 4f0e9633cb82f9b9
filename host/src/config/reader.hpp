// config/reader.hpp — typed access to the host-owned part of the config, with
// every failure reported as "FILE: /json/path: what was wrong (and the fix)".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace nexus::host::config_detail {

class Reader {
 public:
  explicit Reader(std::string source_name) : source_(std::move(source_name)) {}

  [[noreturn]] void fail(std::string_view path, const std::string& what) const;

  // Throws unless `v` is an object; then rejects keys outside `known`.
  void expect_object(const nlohmann::json& v, std::string_view path) const;
  void expect_keys(const nlohmann::json& obj, std::string_view path, const std::vector<std::string>& known) const;

  std::string string(const nlohmann::json& v, std::string_view path) const;
  std::string non_empty_string(const nlohmann::json& v, std::string_view path) const;
  bool boolean(const nlohmann::json& v, std::string_view path) const;
  std::uint64_t integer(const nlohmann::json& v, std::string_view path, std::uint64_t min, std::uint64_t max) const;
  // One of `allowed`, e.g. a log level.
  std::string one_of(const nlohmann::json& v, std::string_view path, const std::vector<std::string>& allowed) const;

 private:
  [[noreturn]] void wrong_type(const nlohmann::json& v, std::string_view path, std::string_view expected) const;
  std::string source_;
};

}  // namespace nexus::host::config_detail
