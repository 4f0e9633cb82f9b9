// support/log_check.hpp — "no token, key or secret ever in a log line",
// checked the way an operator would find one: stop nexusd and search
// everything it wrote.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nexus/sdk/jose.hpp>

#include "support/nexusd_process.hpp"

namespace nexus::test {

// Stops `nexusd` (SIGTERM, so it flushes) and fails the test for every
// credential found in its stdout or stderr. For a compact JWS the
// signature part is searched on its own too: a log line that cut a token
// short would still leak it.
inline void expect_never_logged(NexusdProcess& nexusd, const std::vector<std::string>& credentials) {
  nexusd.terminate();
  const std::string logs = nexusd.stdout_text() + nexusd.stderr_text();
  ASSERT_FALSE(logs.empty()) << "nexusd wrote no log at all: nothing was checked";
  for (const auto& c : credentials) {
    ASSERT_GE(c.size(), 16u) << "'" << c << "' is too short to search for meaningfully";
    EXPECT_EQ(logs.find(c), std::string::npos) << "credential in nexusd's log: " << c.substr(0, 12) << "...";
    if (const auto parts = sdk::jose::split_compact(c); parts && parts->signature_b64.size() >= 16) {
      EXPECT_EQ(logs.find(parts->signature_b64), std::string::npos)
          << "token signature in nexusd's log: " << c.substr(0, 12) << "...";
    }
  }
}

}  // namespace nexus::test
