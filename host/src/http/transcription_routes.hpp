// http/transcription_routes.hpp — POST /v1/transcriptions (audio in the
// body, or a JSON request naming a stored recording), GET and DELETE
// /v1/transcriptions/{id}. Scopes: "transcription:<provider>" to submit,
// plus "storage:<instance>:read" on the source and ":write" on the output
// (a job never reaches data its submitter could not). A job is visible to
// its submitter, or to holders of "transcription:jobs:read".
#pragma once

#include "http/route_context.hpp"
#include "http/router.hpp"

namespace nexus::host::http {

Reply handle_transcriptions(const RouteContext& ctx, const Route& route);

}  // namespace nexus::host::http
