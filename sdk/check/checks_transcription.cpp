// checks_transcription.cpp — the contract of "nexus.transcription/1"
// (transcription.h): refuse what is not audio, a transcript of the right
// shape, and respect for cancellation and deadlines.
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>

#include "check_util.hpp"
#include "checks.hpp"

namespace nexus::check {

namespace {

using nlohmann::json;

struct TranscribeOutcome {
  nexus_status status = NEXUS_INTERNAL;
  std::string error;
  std::string transcript;
  double seconds = 0;
  std::string status_text() const {
    return std::string(nexus_status_name(status)) + (status == NEXUS_OK ? "" : message_part(error));
  }
};

class TranscriptionCaller {
 public:
  TranscriptionCaller(LoadedPlugin& plugin, Instance& instance, const nexus_transcription_v1& table)
      : recorder_(plugin.recorder()), instance_(instance), t_(table) {}

  TranscribeOutcome transcribe(const std::string& audio, const std::string& what, CallSettings settings = {}) const {
    static const std::string media_type = "audio/wav", options = "{}";
    Call call(recorder_, "on_transcribe(" + what + ")", std::move(settings));
    Sink& out = call.sink("transcript");
    const auto start = std::chrono::steady_clock::now();
    TranscribeOutcome o;
    o.status = call.finish(t_.on_transcribe(
        instance_.handle(), call.context(),
        nexus_bytes{reinterpret_cast<const std::uint8_t*>(audio.data()), audio.size()},
        nexus_str{media_type.data(), media_type.size()}, nexus_str{options.data(), options.size()}, out.writer()));
    o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    o.error = call.error();
    o.transcript = out.take();
    return o;
  }

 private:
  Recorder& recorder_;
  Instance& instance_;
  const nexus_transcription_v1& t_;
};

void put_le(std::string& out, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

// One second of silence as a valid 16 kHz mono 16-bit PCM WAV file: real
// audio for the cancellation and deadline checks when --audio is not given.
std::string silent_wav() {
  constexpr std::uint32_t kRate = 16000, kSamples = 16000;
  std::string out = "RIFF";
  put_le(out, 36 + kSamples * 2, 4);
  out += "WAVEfmt ";
  put_le(out, 16, 4);
  put_le(out, 1, 2);  // PCM
  put_le(out, 1, 2);  // mono
  put_le(out, kRate, 4);
  put_le(out, kRate * 2, 4);
  put_le(out, 2, 2);
  put_le(out, 16, 2);
  out += "data";
  put_le(out, kSamples * 2, 4);
  out.append(kSamples * 2, '\0');
  return out;
}

std::string random_bytes(std::size_t n) {
  const std::string hex = random_hex(n);
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return out;
}

// Checks the transcript JSON of transcription.h; returns what is wrong.
void check_transcript_shape(CheckScope& s, const std::string& text) {
  const json t = parse_plugin_json(text, "the transcript", s);
  s.require(t.is_object(), "the transcript is not a JSON object: " + excerpt(text));
  s.expect(t.contains("text") && t["text"].is_string(),
           "the transcript has no \"text\" string (the one required field)");
  auto non_negative = [&](const json& obj, const char* field, const std::string& where) {
    if (!obj.contains(field)) return;
    s.expect(obj[field].is_number() && obj[field].get<double>() >= 0,
             where + " \"" + field + "\" is " + obj[field].dump() + "; it must be a non-negative number");
  };
  non_negative(t, "duration_s", "the transcript's");
  non_negative(t, "processing_s", "the transcript's");
  if (t.contains("language")) s.expect(t["language"].is_string(), "\"language\" is not a string");
  if (!t.contains("segments")) return;
  s.require(t["segments"].is_array(), "\"segments\" is not an array");
  std::size_t i = 0;
  for (const auto& seg : t["segments"]) {
    const std::string where = "segment " + std::to_string(i++) + "'s";
    if (!s.expect(seg.is_object(), where + " entry is not an object")) continue;
    for (const char* f : {"start", "end", "confidence"}) non_negative(seg, f, where);
    if (seg.contains("start") && seg.contains("end") && seg["start"].is_number() && seg["end"].is_number())
      s.expect(seg["start"].get<double>() <= seg["end"].get<double>(),
               where + " start " + seg["start"].dump() + " is after its end " + seg["end"].dump());
    if (seg.contains("text")) s.expect(seg["text"].is_string(), where + " \"text\" is not a string");
    if (!seg.contains("words")) continue;
    if (!s.expect(seg["words"].is_array(), where + " \"words\" is not an array")) continue;
    for (const auto& w : seg["words"]) {
      if (!s.expect(w.is_object(), where + " words has an entry that is not an object")) continue;
      for (const char* f : {"start", "end", "confidence"}) non_negative(w, f, where + " word");
      if (w.contains("start") && w.contains("end") && w["start"].is_number() && w["end"].is_number())
        s.expect(w["start"].get<double>() <= w["end"].get<double>(),
                 where + " has a word whose start is after its end");
    }
  }
}

struct TranscriptionRun {
  CheckEnv& env;
  TranscriptionCaller a;
  std::optional<std::string> audio;  // --audio, read
  std::string audio_error;
  std::string usable_audio() const { return audio ? *audio : silent_wav(); }
};

void check_random_bytes(TranscriptionRun& run, CheckScope& s) {
  const TranscribeOutcome o = run.a.transcribe(random_bytes(4096), "4096 random bytes");
  s.expect(o.status == NEXUS_INVALID_ARGUMENT, "4096 random bytes sent as audio/wav got " + o.status_text() +
                                                   "; expected invalid_argument saying which formats are accepted");
}

void check_audio(TranscriptionRun& run, CheckScope& s) {
  if (!run.env.options.audio) s.skip("no --audio FILE.wav given");
  s.require(run.audio.has_value(), run.audio_error);
  const TranscribeOutcome o = run.a.transcribe(*run.audio, run.env.options.audio->filename().string());
  s.require(o.status == NEXUS_OK, "transcribing " + run.env.options.audio->string() + " returned " + o.status_text());
  check_transcript_shape(s, o.transcript);
  s.note("transcript: " + excerpt(o.transcript, 300) + " in " + std::to_string(o.seconds) + " s");
}

void check_cancelled(TranscriptionRun& run, CheckScope& s) {
  CallSettings settings;
  settings.cancelled = true;
  settings.deadline_unix_ms = now_unix_ms() + 60'000;
  const TranscribeOutcome o = run.a.transcribe(run.usable_audio(), "already cancelled", settings);
  s.require(o.status == NEXUS_CANCELLED || o.status == NEXUS_OK,
            "a call whose context was cancelled before it started returned " + o.status_text() +
                "; expected cancelled (or ok if it finished anyway)");
  if (o.status == NEXUS_OK) {
    s.expect(o.seconds <= 60, "a cancelled call ran " + std::to_string(o.seconds) + " s, past its 60 s deadline");
    s.note("finished OK despite the cancellation (allowed; long audio should poll callback_is_cancelled)");
    check_transcript_shape(s, o.transcript);
  } else {
    s.note("returned cancelled");
  }
}

void check_past_deadline(TranscriptionRun& run, CheckScope& s) {
  CallSettings settings;
  settings.deadline_unix_ms = now_unix_ms() - 1000;
  const TranscribeOutcome o = run.a.transcribe(run.usable_audio(), "deadline in the past", settings);
  s.require(
      o.status == NEXUS_DEADLINE_EXCEEDED || o.status == NEXUS_OK,
      "a call whose deadline had already passed returned " + o.status_text() + "; expected deadline_exceeded (or ok)");
  s.note(o.status == NEXUS_OK ? "finished OK despite the past deadline (allowed)" : "returned deadline_exceeded");
}

void check_concurrent(TranscriptionRun& run, CheckScope& s) {
  if (!run.env.plugin.parallel())
    s.skip("the plugin declares NEXUS_CONCURRENCY_SERIAL; the host never calls it concurrently");
  const auto failures = run_in_threads(8, [&](int t, const std::function<void(std::string)>& fail) {
    for (int i = 0; i < 4; ++i) {
      const TranscribeOutcome o = run.a.transcribe(random_bytes(1024), "random bytes, thread " + std::to_string(t));
      if (o.status != NEXUS_INVALID_ARGUMENT)
        return fail("thread " + std::to_string(t) + ": random bytes got " + o.status_text());
    }
  });
  s.expect(failures.empty(), "8 threads sending random bytes at once: " + first_few(failures));
}

}  // namespace

void run_transcription_checks(CheckEnv& env) {
  const auto* table = env.plugin.table<nexus_transcription_v1>(NEXUS_TRANSCRIPTION_V1);
  if (!table || !table->on_transcribe) {
    env.report.fail("transcription.interface", "no usable nexus.transcription/1 table (see common.interface_tables)");
    return;
  }
  TranscriptionRun run{env, TranscriptionCaller(env.plugin, *env.primary, *table), std::nullopt, {}};
  if (const auto& path = env.options.audio) {
    std::ifstream in(*path, std::ios::binary);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      run.audio = ss.str();
    } else {
      run.audio_error = "cannot read --audio " + path->string();
    }
  }
  Report& r = env.report;
  auto run_check = [&](const char* name, void (*fn)(TranscriptionRun&, CheckScope&)) {
    r.run(name, [&](CheckScope& s) { fn(run, s); });
  };
  run_check("transcription.random_bytes_rejected", check_random_bytes);
  run_check("transcription.audio_transcript", check_audio);
  run_check("transcription.cancelled_context", check_cancelled);
  run_check("transcription.past_deadline", check_past_deadline);
  run_check("transcription.concurrent_calls", check_concurrent);
}

}  // namespace nexus::check
