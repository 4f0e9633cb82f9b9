// http/transcription_request.hpp — turns a POST /v1/transcriptions into a
// job spec, or the 4xx that says what is wrong with it and how to fix it.
#pragma once

#include <string>
#include <variant>

#include "http/route_context.hpp"
#include "jobs/transcription_job.hpp"

namespace nexus::host::http {

struct TranscriptionSubmission {
  jobs::JobSpec spec;  // provider still empty when the request named none
  std::string audio;   // the upload; empty for a storage source
};

std::variant<TranscriptionSubmission, Reply> parse_transcription_request(const RouteContext& ctx);

}  // namespace nexus::host::http
