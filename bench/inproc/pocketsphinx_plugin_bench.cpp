// The nexus side of bench/load's pocketsphinx pair: the pocketsphinx plugin
// (libnexus_pocketsphinx.so, loaded by the host's runtime as nexusd loads
// it, without the HTTP front) transcribing one WAV file. The baseline is
// Debian's pocketsphinx_continuous CLI on the same file with the same
// model, dictionary and language model (bench/load/speech_pair.py).
//
//   nexus_pocketsphinx_plugin_bench WAV WARM_CALLS
//
// One process is one cold start, as one CLI run is: it creates the
// instance (create_ms: plugin load, config check; the models are not loaded
// yet), transcribes once (first_call_ms: the model load and the decode),
// then WARM_CALLS more times (warm_call_ms: the decode alone, the models
// loaded). Each also as *_cpu_ms, the process's CPU time for the step.
// Prints one JSON line with those and the first transcript's text.
// Exit status 2 for a bad command line, 1 when a step fails.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench_runtime.hpp"

namespace {

using nexus::bench::ms_since;
using nexus::bench::process_cpu_ms;

// Wall and CPU time of one step, in ms.
struct Timing {
  double wall = 0, cpu = 0;
};
using nexus::host::CallOptions;

constexpr const char* kUsage = "usage: nexus_pocketsphinx_plugin_bench WAV WARM_CALLS";

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read '" + path + "'");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int run(const std::string& wav_path, long long warm_calls) {
  const std::vector<std::uint8_t> wav = read_file(wav_path);
  const auto state = std::filesystem::temp_directory_path() / ("nexus-ps-bench-" + std::to_string(::getpid()));

  auto started = std::chrono::steady_clock::now();
  const double cpu_before_create = process_cpu_ms();
  // The default config: Debian's en-us model, dictionary and language
  // model, the settings the CLI gets on its command line.
  auto rt = nexus::bench::start_runtime("speech", "pocketsphinx", nlohmann::json::object(), state);
  const auto speech = rt->transcription("speech");
  const Timing create{ms_since(started), process_cpu_ms() - cpu_before_create};

  auto transcribe = [&](Timing* t) {
    CallOptions o;
    o.request_id = "bench";
    std::string transcript;
    const auto t0 = std::chrono::steady_clock::now();
    const double cpu0 = process_cpu_ms();
    const auto r = speech.transcribe(o, wav, "audio/wav", "", &transcript);
    *t = {ms_since(t0), process_cpu_ms() - cpu0};
    if (!r.ok()) throw std::runtime_error("transcription failed: " + r.message);
    return nlohmann::json::parse(transcript);
  };
  Timing first_call;
  const nlohmann::json first = transcribe(&first_call);
  std::vector<double> warm_wall, warm_cpu;
  for (long long i = 0; i < warm_calls; ++i) {
    Timing t;
    transcribe(&t);
    warm_wall.push_back(t.wall);
    warm_cpu.push_back(t.cpu);
  }

  const nlohmann::json out{{"side", "plugin"},
                           {"create_ms", create.wall},
                           {"create_cpu_ms", create.cpu},
                           {"first_call_ms", first_call.wall},
                           {"first_call_cpu_ms", first_call.cpu},
                           {"warm_call_ms", warm_wall},
                           {"warm_call_cpu_ms", warm_cpu},
                           {"text", first.value("text", "")},
                           {"audio_s", first.value("duration_s", 0.0)}};
  std::cout << out.dump() << std::endl;
  rt.reset();
  std::error_code ec;
  std::filesystem::remove_all(state, ec);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  long long warm_calls = 0;
  try {
    if (argc != 3) throw std::invalid_argument("expected 2 arguments, got " + std::to_string(argc - 1));
    warm_calls = nexus::bench::int_arg("WARM_CALLS", argv[2], 0, 100);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n" << kUsage << "\n";
    return 2;
  }
  try {
    return run(argv[1], warm_calls);
  } catch (const std::exception& e) {
    std::cerr << "nexus_pocketsphinx_plugin_bench: " << e.what() << "\n";
    return 1;
  }
}
