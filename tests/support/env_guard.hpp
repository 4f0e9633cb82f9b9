// support/env_guard.hpp — sets (or, with nullopt, unsets) environment
// variables for one scope and restores them after, in reverse order. Only
// while no other test thread reads the environment.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nexus::test {

class EnvGuard {
 public:
  using Vars = std::vector<std::pair<std::string, std::optional<std::string>>>;
  explicit EnvGuard(const Vars& vars) {
    for (const auto& [k, v] : vars) {
      const char* old = std::getenv(k.c_str());
      saved_.emplace_back(k, old ? std::optional<std::string>(old) : std::nullopt);
      if (v) setenv(k.c_str(), v->c_str(), 1);
      else unsetenv(k.c_str());
    }
  }
  ~EnvGuard() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) setenv(it->first.c_str(), it->second->c_str(), 1);
      else unsetenv(it->first.c_str());
    }
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

 private:
  Vars saved_;
};

}  // namespace nexus::test
