#include "pocketsphinx_transcription.hpp"

#include <chrono>
#include <cstdio>

#include <nexus/sdk/error.hpp>

#include "audio_input.hpp"
#include "call_options.hpp"
#include "transcript.hpp"

namespace nexus::plugins::pocketsphinx {
namespace {

// Progress is reported, and cancellation and the deadline polled, after
// every half second of audio.
constexpr std::size_t kReportEverySamples = kDecoderSampleRate / 2;

std::string progress_message(double done, double total) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "decoded %.1f of %.1f s", done, total);
  return buf;
}

}  // namespace

PocketsphinxTranscription::PocketsphinxTranscription(const sdk::InstanceArgs& args)
    : pool_(read_settings(args.config), args.host, args.name) {
  const Settings& s = pool_.settings();
  const bool load_now = s.search.kind != SearchKind::lm;
  if (load_now) pool_.load_first_now();
  args.host.info("pocketsphinx instance '" + args.name + "': model " + s.hmm + ", search " +
                 std::string(search_kind_name(s.search.kind)) + ", up to " + std::to_string(s.max_decoders) +
                 " decoders" + (load_now ? "" : "; the models load on the first call"));
}

void PocketsphinxTranscription::health() {
  if (auto failure = pool_.load_failure())
    throw sdk::failed_precondition("the last attempt to load the speech models failed (the next call tries again): " +
                                   *failure);
}

nlohmann::json PocketsphinxTranscription::transcribe(sdk::CallContext& ctx, std::span<const std::uint8_t> bytes,
                                                     std::string_view media_type, const nlohmann::json& options) {
  const auto started = std::chrono::steady_clock::now();
  const Settings& settings = pool_.settings();
  const CallOptions call = read_call_options(options, settings);
  const DecoderAudio audio =
      prepare_audio(bytes, media_type, AudioRules{settings.max_audio_seconds, call.accept_truncated});
  if (audio.data_length == DataLength::truncated) {
    // Only here when accept_truncated let it through; say so in the log
    // too, as the transcript covers less than the recording did.
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", audio.duration_seconds);
    ctx.log(NEXUS_LOG_WARN, std::string("the WAV data chunk is longer than the bytes sent (a truncated recording); "
                                        "accept_truncated is set, so decoding the ") +
                                seconds + " s that are there");
  }
  ctx.check();

  const double total = static_cast<double>(audio.samples.size()) / kDecoderSampleRate;
  DecoderPool::Lease decoder =
      pool_.acquire(ctx, [&] { ctx.progress(0, total, "loading the speech models (first call of this instance)"); });
  ctx.check();  // a load cannot be interrupted; a call cancelled during it stops here
  if (call.search) decoder->use_call_search(*call.search);

  const auto utterances = decoder->decode(audio.samples, kReportEverySamples, [&](std::size_t done_samples) {
    const double done = static_cast<double>(done_samples) / kDecoderSampleRate;
    ctx.progress(done, total, progress_message(done, total));
    ctx.check();
  });

  TranscriptFacts facts;
  facts.search = decoder->active_kind();
  facts.language = settings.language;
  facts.processing_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return make_transcript(utterances, audio, facts).to_json();
}

}  // namespace nexus::plugins::pocketsphinx
