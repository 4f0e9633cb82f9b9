// http/transcription_routes.cpp — see transcription_routes.hpp. Order of
// checks on submit: the request's shape, the provider, scopes (provider,
// source, output), that the named instances exist, then the queue.
#include "http/transcription_routes.hpp"

#include <nexus/storage.h>
#include <nexus/transcription.h>

#include <algorithm>

#include "http/errors.hpp"
#include "http/scopes.hpp"
#include "http/transcription_request.hpp"
#include "jobs/transcription_service.hpp"
#include "nexus/host/runtime.hpp"

namespace nexus::host::http {

using jobs::Job;
using jobs::JobState;
using nlohmann::json;

namespace {

// The provider: the request's, the configured default, or the only one.
std::variant<std::string, Reply> choose_provider(const RouteContext& ctx, const std::string& requested) {
  const auto providers = ctx.runtime.instances_providing(NEXUS_TRANSCRIPTION_V1);
  std::string name = requested;
  if (name.empty()) name = ctx.runtime.config()->transcription.provider.value_or("");
  if (name.empty()) {
    if (providers.size() == 1) return providers.front();
    if (providers.empty())
      return error_reply(NEXUS_NOT_FOUND,
                         "no transcription provider is configured; add an instance of a transcription plugin "
                         "(pocketsphinx, openai) to the config");
    return error_reply(NEXUS_INVALID_ARGUMENT, "several transcription providers are configured (" + joined_names(providers) +
                                                   "); name one with \"provider\" or set transcription.provider");
  }
  if (std::find(providers.begin(), providers.end(), name) == providers.end())
    return error_reply(NEXUS_NOT_FOUND,
                       "no transcription provider named '" + name + "'; providers: " + joined_names(providers));
  return name;
}

std::optional<Reply> check_storage(const RouteContext& ctx, const jobs::ObjectRef& ref, const char* verb) {
  if (auto denied = require_scope(ctx.principal, "storage:" + ref.storage + ":" + verb, ctx.request)) return denied;
  const auto stores = ctx.runtime.instances_providing(NEXUS_STORAGE_V1);
  if (std::find(stores.begin(), stores.end(), ref.storage) == stores.end())
    return error_reply(NEXUS_NOT_FOUND,
                       "no storage instance named '" + ref.storage + "'; storage instances: " + joined_names(stores));
  return std::nullopt;
}

Reply job_reply(int status, const Job& job) {
  Reply r = json_reply(status, job.document().dump());
  r.header("Location", "/v1/transcriptions/" + job.id());
  return r;
}

// The error reply of a job that did not succeed, with the job itself.
Reply failed_job_reply(const Job& job) {
  const jobs::JobStatus s = job.status();
  json body{{"error", {{"code", nexus_status_name(s.error_status)}, {"message", s.error_message}}},
            {"job", job.document()}};
  return json_reply(http_status_for(s.error_status), body.dump());
}

Reply submit(const RouteContext& ctx, jobs::TranscriptionService& service) {
  auto parsed = parse_transcription_request(ctx);
  if (auto* reply = std::get_if<Reply>(&parsed)) return std::move(*reply);
  auto& submission = std::get<TranscriptionSubmission>(parsed);
  jobs::JobSpec& spec = submission.spec;

  auto provider = choose_provider(ctx, spec.provider);
  if (auto* reply = std::get_if<Reply>(&provider)) return std::move(*reply);
  spec.provider = std::get<std::string>(provider);
  if (auto denied = require_scope(ctx.principal, "transcription:" + spec.provider, ctx.request)) return *denied;
  if (spec.source) {
    if (auto r = check_storage(ctx, *spec.source, "read")) return std::move(*r);
  }
  if (spec.output) {
    if (auto r = check_storage(ctx, *spec.output, "write")) return std::move(*r);
  }
  if (spec.source && spec.async) {
    // Fail fast on a missing recording rather than in a job polled later.
    std::string info;
    const CallOutcome head = ctx.runtime.storage(spec.source->storage).head(ctx.call, spec.source->key, &info);
    if (!head.ok()) return error_reply(head, "looking up the recording");
  }
  spec.principal_json = ctx.principal.json;
  spec.subject = ctx.principal.subject;
  spec.request_id = ctx.request.request_id;

  auto submitted = service.submit(std::move(spec), std::move(submission.audio));
  if (submitted.queue_full) {
    const auto& cfg = service.settings();
    Reply r = error_reply(503, nexus_status_name(NEXUS_UNAVAILABLE),
                          "the transcription queue is full (" + std::to_string(cfg.workers) + " running, " +
                              std::to_string(cfg.queue_limit) + " waiting: transcription.workers and queue_limit); "
                              "retry after " + std::to_string(cfg.retry_after_seconds) + " s");
    r.header("Retry-After", std::to_string(cfg.retry_after_seconds));
    return r;
  }
  if (!submitted.job) return error_reply(submitted.refused, "queueing the transcription");
  const auto job = submitted.job;
  if (job->spec().async) return job_reply(202, *job);

  const jobs::JobStatus final_status = job->wait_final(ctx.call.cancelled);
  if (!jobs::is_final(final_status.state)) {
    service.cancel(job);
    return error_reply(NEXUS_UNAVAILABLE, "the server is stopping; the transcription was cancelled, retry it");
  }
  return final_status.state == JobState::succeeded ? job_reply(200, *job) : failed_job_reply(*job);
}

// The job if the caller may see it. Someone else's job answers 404 like a
// missing one, so ids cannot be probed.
std::variant<std::shared_ptr<Job>, Reply> visible_job(const RouteContext& ctx, const Route& route,
                                                      jobs::TranscriptionService& service) {
  auto job = service.find(route.key);
  const bool allowed = job && (!ctx.principal.authenticated || job->spec().subject == ctx.principal.subject ||
                               any_scope_allows(ctx.principal.scopes, "transcription:jobs:read"));
  if (!allowed) return error_reply(NEXUS_NOT_FOUND, "no transcription job '" + route.key.substr(0, 64) + "'");
  return job;
}

}  // namespace

Reply handle_transcriptions(const RouteContext& ctx, const Route& route) {
  if (!ctx.transcription)
    return error_reply(NEXUS_UNIMPLEMENTED, "transcription jobs are not served by this embedding of the host");
  auto& service = *ctx.transcription;
  if (route.kind == RouteKind::transcriptions) return submit(ctx, service);

  auto found = visible_job(ctx, route, service);
  if (auto* reply = std::get_if<Reply>(&found)) return std::move(*reply);
  const auto& job = std::get<std::shared_ptr<Job>>(found);
  if (ctx.request.method != "DELETE") return job_reply(200, *job);
  if (!service.cancel(job))
    return error_reply(409, "failed_precondition",
                       "job " + job->id() + " already ended (" + std::string(jobs::state_name(job->status().state)) +
                           "); nothing to cancel");
  const bool ended = jobs::is_final(job->status().state);
  return job_reply(ended ? 200 : 202, *job);
}

}  // namespace nexus::host::http
