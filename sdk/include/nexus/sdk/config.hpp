// nexus/sdk/config.hpp — typed access to an instance's config block.
//
// The host has already validated the block against the plugin's JSON Schema,
// so most checks here are belt and braces; errors still name the key path.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nexus/sdk/error.hpp"

namespace nexus::sdk {

class Config {
 public:
  Config(nlohmann::json value, std::string path = "config") : v_(std::move(value)), path_(std::move(path)) {}

  bool has(std::string_view key) const { return v_.is_object() && v_.contains(key); }

  // The value at `key`, converted to T; Error(INVALID_ARGUMENT) naming the
  // path when it is missing or of the wrong type.
  template <typename T>
  T get(std::string_view key) const {
    if (!has(key)) throw invalid_argument(path_ + "." + std::string(key) + " is required");
    return convert<T>(key);
  }
  // The value at `key`, or `fallback` when absent.
  template <typename T>
  T get_or(std::string_view key, T fallback) const {
    if (!has(key)) return fallback;
    return convert<T>(key);
  }
  // A nested object as a Config whose errors carry the longer path.
  Config child(std::string_view key) const {
    return Config(has(key) ? v_.at(std::string(key)) : nlohmann::json::object(), path_ + "." + std::string(key));
  }
  const nlohmann::json& json() const noexcept { return v_; }
  const std::string& path() const noexcept { return path_; }

 private:
  template <typename T>
  T convert(std::string_view key) const {
    try {
      return v_.at(std::string(key)).get<T>();
    } catch (const nlohmann::json::exception&) {
      throw invalid_argument(path_ + "." + std::string(key) + " has the wrong type (got " +
                             std::string(v_.at(std::string(key)).type_name()) + ")");
    }
  }
  nlohmann::json v_;
  std::string path_;
};

}  // namespace nexus::sdk
