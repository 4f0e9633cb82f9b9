// The transcribe tools: transcribe_recording reads the recording, checks it
// is audio it can send, calls the provider (whose progress reaches the
// caller), and saves the transcript only once the provider succeeded — so a
// failed call never leaves a partial or stale-looking transcript at the
// output key. Failures of the tool's own work are isError results that say
// what to do; cancellation and the deadline end the call at protocol level.
#include "transcribe_tools.hpp"

#include <optional>
#include <span>

#include <nexus/sdk/error.hpp>
#include <nexus/sdk/scopes.hpp>
#include <nexus/sdk/tool_support.hpp>

namespace nexus::plugins::transcribe_tools {
namespace {

using json = nlohmann::json;
using sdk::error_result;

constexpr const char* kExampleRecordingKey = "recordings/T1/recording.wav";

const json& find_definition(const json& tools, std::string_view name) {
  for (const auto& t : tools)
    if (t["name"] == name) return t;
  static const json kNone;
  return kNone;
}

std::string at(const ObjectRef& r) {
  return "'" + r.key + "' in storage '" + r.storage + "'";
}

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

json too_large(const ObjectRef& recording, std::uint64_t size, std::uint64_t limit) {
  return error_result("recording " + at(recording) + " is " + (size ? std::to_string(size) + " bytes, " : "") +
                      "more than this server transcribes at once (max_audio_bytes " + std::to_string(limit) +
                      "); split the recording into shorter parts, or ask the operator to raise max_audio_bytes. "
                      "Nothing was transcribed or saved");
}

// The isError result refusing the call when its caller lacks a scope the
// host's REST transcription route requires of a submitter — reading the
// recording and writing the output — or null when it holds both.
json refusal_for(const sdk::CallContext& ctx, const ObjectRef& recording, const ObjectRef& output) {
  const std::string read = sdk::storage_scope(recording.storage, "read");
  const std::string write = sdk::storage_scope(output.storage, "write");
  const std::optional<std::string> missing = sdk::missing_scope(ctx, {read, write});
  if (!missing) return nullptr;
  const std::string doing = *missing == read ? "transcribing recording " + at(recording)
                                             : "saving the transcript to " + at(output);
  return error_result(sdk::not_allowed_text(doing, *missing) + ". Nothing was transcribed or saved");
}

}  // namespace

TranscribeTools::TranscribeTools(const sdk::InstanceArgs& args) : settings_(read_settings(args.config)) {
  // Looked up once at create: the host created each dependency first and
  // keeps it alive until this instance is destroyed.
  for (const auto& n : settings_.storages)
    storages_.emplace(n, sdk::StorageClient(n, args.host.find<nexus_storage_v1>(n, NEXUS_STORAGE_V1)));
  for (const auto& n : settings_.providers)
    providers_.emplace(n,
                       sdk::TranscriptionClient(n, args.host.find<nexus_transcription_v1>(n, NEXUS_TRANSCRIPTION_V1)));
  tools_ = tool_definitions(settings_.storages, settings_.providers);
}

json TranscribeTools::list_tools(sdk::CallContext&) {
  return tools_;
}

json TranscribeTools::call_tool(sdk::CallContext& ctx, std::string_view name, const json& arguments) {
  const json& definition = find_definition(tools_, name);
  if (definition.is_null())
    throw sdk::not_found("no tool '" + std::string(name) +
                         "'; this instance offers transcribe_recording and transcribe_providers");
  sdk::check_arguments(name, definition["inputSchema"], arguments);
  if (name == "transcribe_providers") return describe_providers();
  return transcribe(ctx, arguments);
}

const sdk::StorageClient& TranscribeTools::storage(const std::string& name) const {
  const auto it = storages_.find(name);
  if (it == storages_.end())
    throw sdk::invalid_argument("storage '" + name + "' is not configured for these tools; use one of " +
                                joined(settings_.storages));
  return it->second;
}

const sdk::TranscriptionClient& TranscribeTools::provider(const std::string& name) const {
  const auto it = providers_.find(name);
  if (it == providers_.end())
    throw sdk::invalid_argument("provider '" + name + "' is not configured for these tools; use one of " +
                                joined(settings_.providers) + " (transcribe_providers lists them)");
  return it->second;
}

ObjectRef TranscribeTools::output_of(const json& args, const ObjectRef& recording) const {
  ObjectRef out;
  if (args.contains("output"))
    out = {args["output"].value("storage", recording.storage), args["output"]["key"].get<std::string>()};
  else
    out = default_output(settings_.default_output, recording);
  sdk::check_storage_key("output key", out.key);
  storage(out.storage);
  return out;
}

json TranscribeTools::storage_failure(std::string_view what, const ObjectRef& where, const sdk::StorageReply& r) const {
  switch (r.status) {
    case NEXUS_NOT_FOUND:
      return error_result("no recording " + at(where) + "; check the key with storage_list");
    case NEXUS_UNAVAILABLE:
      return error_result("storage '" + where.storage + "' is unavailable right now (" + r.error +
                          "); try again shortly");
    default:
      return error_result(std::string(what) + " " + at(where) + " failed: " + nexus_status_name(r.status) + ": " +
                          r.error);
  }
}

json TranscribeTools::provider_failure(const std::string& name, const ObjectRef& recording,
                                       const sdk::TranscriptionReply& r) const {
  const std::string tail = ". Nothing was saved";
  switch (r.status) {
    case NEXUS_INVALID_ARGUMENT:
      return error_result("provider '" + name + "' refused recording " + at(recording) + ": " + r.error + tail);
    case NEXUS_RESOURCE_EXHAUSTED:
      return error_result("recording " + at(recording) + " is too long for provider '" + name + "' (" + r.error +
                          "); split it into shorter parts" + tail);
    case NEXUS_UNAVAILABLE:
      return error_result("provider '" + name + "' is unavailable right now (" + r.error +
                          "); try again shortly or use another provider" + tail);
    case NEXUS_UNAUTHENTICATED:
    case NEXUS_PERMISSION_DENIED:
      return error_result("provider '" + name + "' refused this server's credentials (" + r.error +
                          "); the operator must fix its config; use another provider meanwhile" + tail);
    default:
      return error_result("provider '" + name + "' failed on recording " + at(recording) + ": " +
                          nexus_status_name(r.status) + ": " + r.error + tail);
  }
}

json TranscribeTools::refuse_existing_default(sdk::CallContext& ctx, const ObjectRef& output) const {
  const sdk::StorageReply existing = storage(output.storage).head(ctx, output.key);
  if (existing.ok())
    return error_result("a transcript already exists at " + at(output) +
                        ", the default output for this recording; read it with storage_read, or pass output with "
                        "that key to replace it (or another key to keep both)");
  if (existing.status != NEXUS_NOT_FOUND)
    return error_result("checking the default output " + at(output) + " failed: " + nexus_status_name(existing.status) +
                        ": " + existing.error);
  return nullptr;
}

TranscribeTools::Recording TranscribeTools::read_recording(sdk::CallContext& ctx, const ObjectRef& recording,
                                                           std::string_view asked_media_type) const {
  // The size first, so a too-large recording is refused before its bytes move.
  const sdk::StorageClient& source = storage(recording.storage);
  const sdk::StorageReply head = source.head(ctx, recording.key);
  if (!head.ok()) return Recording::refused(storage_failure("reading the recording", recording, head));
  const std::uint64_t size = head.info_json().value<std::uint64_t>("size", 0);
  if (size > settings_.max_audio_bytes)
    return Recording::refused(too_large(recording, size, settings_.max_audio_bytes));
  sdk::StorageReply got = source.get(ctx, recording.key, std::nullopt, settings_.max_audio_bytes);
  if (got.status == NEXUS_RESOURCE_EXHAUSTED)
    return Recording::refused(too_large(recording, 0, settings_.max_audio_bytes));
  if (!got.ok()) return Recording::refused(storage_failure("reading the recording", recording, got));
  const std::string content_type =
      got.info_json().value("content_type", head.info_json().value("content_type", std::string()));
  RecordingAudio audio = recording_audio(got.body, content_type, recording.key, asked_media_type);
  if (!audio.problem.empty())
    return Recording::refused(error_result("recording " + at(recording) + " " + audio.problem));
  return {nullptr, std::move(got.body), std::move(audio)};
}

json TranscribeTools::transcribe(sdk::CallContext& ctx, const json& args) {
  ctx.check();  // a caller already gone does not start a read of up to max_audio_bytes
  const ObjectRef recording{args["storage"].get<std::string>(), args["key"].get<std::string>()};
  sdk::check_storage_key("key", recording.key);
  const std::string provider_name = args.value("provider", settings_.providers.front());
  const sdk::TranscriptionClient& transcriber = provider(provider_name);
  const ObjectRef output = output_of(args, recording);
  if (output == recording)
    return error_result("the transcript would be saved over the recording " + at(recording) +
                        "; give an output key that differs from the recording's");
  // The host checked only "tools:transcribe_recording"; the storage scopes
  // are checked here, before any storage is touched.
  if (json refused = refusal_for(ctx, recording, output); !refused.is_null()) return refused;
  if (!args.contains("output"))
    if (json refused = refuse_existing_default(ctx, output); !refused.is_null()) return refused;

  Recording read = read_recording(ctx, recording, args.value("media_type", ""));
  if (!read.refusal.is_null()) return read.refusal;
  const std::uint64_t audio_bytes = read.bytes.size();
  const sdk::TranscriptionReply reply =
      transcriber.transcribe(ctx, bytes_of(read.bytes), read.audio.media_type, args.value("options", json::object()));
  read.bytes = {};  // up to max_audio_bytes; not needed any more
  if (!reply.ok()) return provider_failure(provider_name, recording, reply);
  const json transcript = reply.transcript_json();
  if (!transcript.is_object() || !transcript.contains("text") || !transcript["text"].is_string())
    return error_result("provider '" + provider_name +
                        "' answered with something that is not a transcript (no \"text\"); this is a fault of the "
                        "provider, report it to the operator. Nothing was saved");
  const std::string text = transcript["text"].get<std::string>();

  // One put of the whole document: the output key holds the old object or
  // the new transcript, never part of one.
  const std::string document = transcript.dump(2);
  const sdk::StorageReply put = storage(output.storage).put(ctx, output.key, document, "application/json");
  if (!put.ok()) {
    json failed = error_result("transcribed recording " + at(recording) + ", but saving the transcript to " +
                               at(output) + " failed (" + nexus_status_name(put.status) + ": " + put.error +
                               "); nothing was saved there. Try again later or with another output; the "
                               "transcript text follows.");
    failed["content"].push_back(sdk::text_content(text));
    return failed;
  }

  json saved{{"storage", output.storage}, {"key", output.key}, {"size", document.size()}};
  if (const json info = put.info_json(); info.contains("etag") && info["etag"].is_string())
    saved["etag"] = info["etag"];
  const json structured{{"transcript", transcript},
                        {"saved", saved},
                        {"recording",
                         {{"storage", recording.storage},
                          {"key", recording.key},
                          {"media_type", read.audio.media_type},
                          {"size", audio_bytes}}},
                        {"provider", provider_name}};
  const std::string note =
      "Transcript of " + at(recording) + " by provider '" + provider_name + "', saved to " + at(output) + ".";
  return {{"content", json::array({sdk::text_content(text.empty() ? "(no speech was recognised)" : text),
                                   sdk::text_content(note)})},
          {"structuredContent", structured},
          {"isError", false}};
}

json TranscribeTools::describe_providers() const {
  json providers = json::array();
  for (const auto& n : settings_.providers)
    providers.push_back({{"name", n}, {"default", n == settings_.providers.front()}});
  const OutputRule& rule = settings_.default_output;
  const ObjectRef example_recording{settings_.storages.front(), kExampleRecordingKey};
  const ObjectRef example = default_output(rule, example_recording);
  const json default_out{{"storage", rule.storage.empty() ? json(nullptr) : json(rule.storage)},
                         {"from_prefix", rule.from_prefix},
                         {"to_prefix", rule.to_prefix},
                         {"file_name", rule.file_name},
                         {"example", "recording " + at(example_recording) + " -> transcript " + at(example)}};
  return sdk::structured_result({{"providers", providers},
                                 {"storages", settings_.storages},
                                 {"max_audio_bytes", settings_.max_audio_bytes},
                                 {"default_output", default_out}});
}

}  // namespace nexus::plugins::transcribe_tools
