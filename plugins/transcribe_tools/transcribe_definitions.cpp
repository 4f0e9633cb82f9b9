// The MCP Tool definitions of transcribe_tools; call_tool checks arguments
// against these same inputSchemas (so the storage and provider enums are
// enforced for direct callers too, not only by the host).
#include "transcribe_tools.hpp"

namespace nexus::plugins::transcribe_tools {
namespace {

using json = nlohmann::json;

json annotations(bool read_only, bool destructive, bool idempotent) {
  return {{"readOnlyHint", read_only},
          {"destructiveHint", destructive},
          {"idempotentHint", idempotent},
          {"openWorldHint", false}};
}

json described(json schema, std::string description) {
  schema["description"] = std::move(description);
  return schema;
}

json transcribe_recording(const std::vector<std::string>& storages, const std::vector<std::string>& providers) {
  const json storage{{"type", "string"}, {"enum", storages}};
  const json key{{"type", "string"}, {"minLength", 1}};
  const json options{
      {"type", "object"},
      {"description",
       "Passed to the provider as they are; a provider ignores options it does not know. Use grammar or "
       "keywords (pocketsphinx) to recognise a known set of phrases reliably."},
      {"properties",
       {{"language", {{"type", "string"}, {"description", "Language of the speech, e.g. 'en'."}}},
        {"prompt", {{"type", "string"}, {"description", "Text that guides a hosted model (names, spelling)."}}},
        {"grammar",
         {{"type", "string"},
          {"description",
           "A JSGF grammar of the phrases expected (pocketsphinx), e.g. '#JSGF V1.0; grammar g; "
           "public <s> = please transfer my call to (billing | sales);'."}}},
        {"keywords",
         {{"type", "array"},
          {"items", {{"type", json::array({"string", "object"})}}},
          {"description",
           "Phrases to spot instead of full transcription (pocketsphinx): strings, or {\"phrase\", \"threshold\"} "
           "objects."}}},
        {"accept_truncated",
         {{"type", "boolean"},
          {"description",
           "true: transcribe what there is of a truncated WAV (its data chunk declares more bytes than the file "
           "holds) instead of refusing it (pocketsphinx)."}}}}}};
  json output{{"type", "object"},
              {"additionalProperties", false},
              {"description",
               "Where to save the transcript JSON; an existing object at that key is replaced. Omit it to use "
               "this server's default location (transcribe_providers shows it), which never replaces an "
               "existing object."},
              {"properties",
               {{"storage", described(storage, "Storage to save into; default: the recording's storage.")},
                {"key", described(key, "Key of the transcript, e.g. 'transcripts/T1/transcript.json'.")}}},
              {"required", {"key"}}};

  return {{"name", "transcribe_recording"},
          {"title", "Transcribe a recording"},
          {"description",
           "Transcribe a stored call recording (WAV, or another audio format the provider takes) to text, and save "
           "the transcript JSON (text, segments, word times) in storage. Returns the transcript text, and in "
           "structuredContent the whole transcript and where it was saved. Long recordings take a while; progress "
           "is reported when you send a progressToken. Use storage_list to find recordings and transcribe_providers "
           "to see the providers and default output location."},
          {"inputSchema",
           {{"type", "object"},
            {"additionalProperties", false},
            {"properties",
             {{"storage", described(storage, "Storage holding the recording.")},
              {"key", described(key, "Key of the recording, e.g. 'recordings/T1/recording.wav'.")},
              {"provider",
               {{"type", "string"},
                {"enum", providers},
                {"description", "Transcription provider to use; default: '" + providers.front() + "'."}}},
              {"output", output},
              {"options", options},
              {"media_type",
               {{"type", "string"},
                {"minLength", 1},
                {"description",
                 "The recording's audio type, e.g. 'audio/wav', when its stored content type is wrong; default: "
                 "from the bytes, the content type or the key's extension."}}}}},
            {"required", {"storage", "key"}}}},
          {"outputSchema",
           {{"type", "object"},
            {"properties",
             {{"transcript",
               {{"type", "object"},
                {"description",
                 "The transcript: text, and when the provider knows them language, duration_s, segments "
                 "with words and times, provider."},
                {"properties", {{"text", {{"type", "string"}}}}},
                {"required", {"text"}}}},
              {"saved",
               {{"type", "object"},
                {"properties",
                 {{"storage", {{"type", "string"}}},
                  {"key", {{"type", "string"}}},
                  {"etag", {{"type", "string"}}},
                  {"size", {{"type", "integer"}}}}},
                {"required", {"storage", "key", "size"}}}},
              {"recording",
               {{"type", "object"},
                {"properties",
                 {{"storage", {{"type", "string"}}},
                  {"key", {{"type", "string"}}},
                  {"media_type", {{"type", "string"}}},
                  {"size", {{"type", "integer"}}}}},
                {"required", {"storage", "key", "media_type", "size"}}}},
              {"provider", {{"type", "string"}}}}},
            {"required", {"transcript", "saved", "recording", "provider"}}}},
          {"annotations", annotations(false, true, true)}};
}

json transcribe_providers() {
  return {{"name", "transcribe_providers"},
          {"title", "Transcription providers"},
          {"description",
           "List the transcription providers transcribe_recording can use (the default one first), the "
           "storages it reads recordings from and saves transcripts to, the largest recording it accepts, and "
           "where a transcript is saved when no output is given."},
          {"inputSchema", {{"type", "object"}, {"additionalProperties", false}, {"properties", json::object()}}},
          {"outputSchema",
           {{"type", "object"},
            {"properties",
             {{"providers",
               {{"type", "array"},
                {"items",
                 {{"type", "object"},
                  {"properties", {{"name", {{"type", "string"}}}, {"default", {{"type", "boolean"}}}}},
                  {"required", {"name", "default"}}}}}},
              {"storages", {{"type", "array"}, {"items", {{"type", "string"}}}}},
              {"max_audio_bytes", {{"type", "integer"}}},
              {"default_output",
               {{"type", "object"},
                {"properties",
                 {{"storage", {{"type", json::array({"string", "null"})}}},
                  {"from_prefix", {{"type", "string"}}},
                  {"to_prefix", {{"type", "string"}}},
                  {"file_name", {{"type", "string"}}},
                  {"example", {{"type", "string"}}}}}}}}},
            {"required", {"providers", "storages", "max_audio_bytes", "default_output"}}}},
          {"annotations", annotations(true, false, true)}};
}

}  // namespace

json tool_definitions(const std::vector<std::string>& storages, const std::vector<std::string>& providers) {
  return json::array({transcribe_recording(storages, providers), transcribe_providers()});
}

}  // namespace nexus::plugins::transcribe_tools
