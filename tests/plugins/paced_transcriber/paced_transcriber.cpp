// paced_transcriber — test fixture for the host's transcription jobs. It
// "transcribes" in `steps` steps of `step_ms` each, reporting progress after
// every step and giving up when cancelled or past the deadline, then
// returns {"text": <config text or options.text>, "audio_bytes": N}.
// Per-call options override steps/step_ms/text; {"fail": "message"} answers
// INVALID_ARGUMENT with that message, like a provider refusing the audio.
#include <nexus/sdk/plugin.hpp>

#include <chrono>
#include <thread>

namespace {

namespace sdk = nexus::sdk;
using nlohmann::json;

constexpr const char* kSchema = R"({
  "type": "object",
  "properties": {
    "steps": {"type": "integer", "minimum": 0, "maximum": 100000},
    "step_ms": {"type": "integer", "minimum": 0, "maximum": 60000},
    "text": {"type": "string"}
  },
  "additionalProperties": false
})";

class PacedTranscriber : public sdk::Transcription {
 public:
  explicit PacedTranscriber(const sdk::InstanceArgs& args)
      : steps_(args.config.get_or<int>("steps", 3)),
        step_ms_(args.config.get_or<int>("step_ms", 10)),
        text_(args.config.get_or<std::string>("text", "paced transcript")) {}

  json transcribe(sdk::CallContext& ctx, std::span<const std::uint8_t> audio, std::string_view media_type,
                  const json& options) override {
    if (audio.empty()) throw sdk::invalid_argument("the audio is empty");
    if (options.contains("fail")) throw sdk::invalid_argument(options["fail"].get<std::string>());
    const int steps = options.value("steps", steps_);
    const int step_ms = options.value("step_ms", step_ms_);
    for (int i = 0; i < steps; ++i) {
      if (ctx.deadline_passed()) throw sdk::deadline_exceeded("deadline passed after " + std::to_string(i) + " steps");
      if (ctx.cancelled()) throw sdk::cancelled("cancelled after " + std::to_string(i) + " steps");
      std::this_thread::sleep_for(std::chrono::milliseconds(step_ms));
      ctx.progress(i + 1, steps, "step " + std::to_string(i + 1));
    }
    return {{"text", options.value("text", text_)},
            {"audio_bytes", audio.size()},
            {"media_type", std::string(media_type)},
            {"options", options}};
  }

 private:
  int steps_, step_ms_;
  std::string text_;
};

}  // namespace

NEXUS_PLUGIN(PacedTranscriber, .id = "paced_transcriber", .version = "0.1.0",
             .description = "Test fixture: a transcriber whose pace the test sets", .license = "Apache-2.0",
             .config_schema = kSchema, .concurrency = NEXUS_CONCURRENCY_PARALLEL)
