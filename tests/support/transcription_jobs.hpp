// support/transcription_jobs.hpp — following a transcription job over REST
// (GET /v1/transcriptions/{id}) until it reaches a state a test waits for.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"

namespace nexus::test {

// A job that will not change any more.
inline bool job_finished(const nlohmann::json& d) {
  const std::string s = d.value("status", "");
  return s == "succeeded" || s == "failed" || s == "cancelled";
}

// Polls the job every 50 ms until `done(doc)` or `seconds` pass; returns the
// last document (the test then says what it expected of it).
inline nlohmann::json poll_job(const HttpClient& c, const std::string& id,
                               const std::function<bool(const nlohmann::json&)>& done, const HeaderList& headers = {},
                               int seconds = 60) {
  nlohmann::json doc;
  for (int i = 0; i < seconds * 20; ++i) {
    const auto r = c.get("/v1/transcriptions/" + id, headers);
    doc = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status == 200 && done(doc)) return doc;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return doc;
}

}  // namespace nexus::test
