// The nexus side of bench/load's s3 pair: the s3 plugin (libnexus_s3.so,
// loaded by the host's runtime as nexusd loads it, without the HTTP front)
// doing PUT or GET of objects of one size against s3rver, from
// `concurrency` threads at once for `seconds`. The baseline,
// bench/s3_aws_sdk_bench.mjs, does the same with @aws-sdk/client-s3.
//
//   nexus_s3_plugin_bench ENDPOINT BUCKET put|get SIZE CONCURRENCY SECONDS
//
// Prints one JSON line: {"side":"plugin","op","size","concurrency","ops","seconds","ops_per_s","errors"}.
// Exit status 2 for a bad command line, 1 when the setup fails.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "bench_runtime.hpp"

namespace {

using nexus::bench::int_arg;
using nexus::bench::ms_since;
using nexus::host::CallOptions;
using nexus::host::CallOutcome;
using nexus::host::StorageClient;

constexpr const char* kUsage = "usage: nexus_s3_plugin_bench ENDPOINT BUCKET put|get SIZE CONCURRENCY SECONDS";

struct Args {
  std::string endpoint, bucket, op;
  std::size_t size = 0;
  int concurrency = 0;
  double seconds = 0;
};

Args parse(int argc, char** argv) {
  if (argc != 7) throw std::invalid_argument("expected 6 arguments, got " + std::to_string(argc - 1));
  Args a;
  a.endpoint = argv[1];
  a.bucket = argv[2];
  a.op = argv[3];
  if (a.endpoint.rfind("http://127.0.0.1:", 0) != 0)
    throw std::invalid_argument("ENDPOINT is '" + a.endpoint + "'; the bench talks to http://127.0.0.1:PORT only");
  if (a.op != "put" && a.op != "get") throw std::invalid_argument("operation '" + a.op + "' is neither put nor get");
  a.size = static_cast<std::size_t>(int_arg("SIZE", argv[4], 1, 64ll << 20));
  a.concurrency = static_cast<int>(int_arg("CONCURRENCY", argv[5], 1, 256));
  a.seconds = static_cast<double>(int_arg("SECONDS", argv[6], 1, 600));
  return a;
}

// Each thread works on its own key, as the Node side's callers do.
std::string key_of(const Args& a, int caller) {
  return "bench/plugin/" + std::to_string(a.size) + "/" + std::to_string(caller);
}

CallOutcome once(const StorageClient& store, const Args& a, int caller, const std::vector<std::uint8_t>& body) {
  CallOptions o;
  o.request_id = "bench";  // no random id per call: the Node side makes none either
  const std::string key = key_of(a, caller);
  if (a.op == "put") return store.put(o, {.key = key, .body = body, .content_type = "application/octet-stream"});
  std::size_t received = 0;
  CallOutcome r = store.get(
      o, key, std::nullopt, [](const std::string&) {},
      [&](const void*, std::size_t n) {
        received += n;  // read and drop, as the Node side does
        return true;
      });
  if (r.ok() && received != a.size)
    return {NEXUS_INTERNAL,
            "GET " + key + " returned " + std::to_string(received) + " bytes, expected " + std::to_string(a.size)};
  return r;
}

int run(const Args& a) {
  const auto state = std::filesystem::temp_directory_path() / ("nexus-s3-bench-" + std::to_string(::getpid()));
  auto rt = nexus::bench::start_runtime("objects", "s3",
                                        {{"bucket", a.bucket},
                                         {"endpoint", a.endpoint},
                                         {"region", "us-east-1"},
                                         {"path_style", true},
                                         {"access_key_id", "S3RVER"},
                                         {"secret_access_key", "S3RVER"},
                                         {"max_retries", 0}},  // an error is counted, not hidden by a retry
                                        state);
  const StorageClient store = rt->storage("objects");

  std::vector<std::uint8_t> body(a.size);
  std::mt19937_64 random(42);
  for (auto& b : body) b = static_cast<std::uint8_t>(random());

  // GET reads objects that exist; and one call per thread warms the
  // connection pool up before the clock starts, on both sides.
  for (int c = 0; c < a.concurrency; ++c) {
    if (a.op == "get") {
      CallOptions o;
      const CallOutcome put = store.put(o, {.key = key_of(a, c), .body = body});
      if (!put.ok()) throw std::runtime_error("setup PUT failed: " + put.message);
    }
    const CallOutcome warm = once(store, a, c, body);
    if (!warm.ok()) throw std::runtime_error("warm-up " + a.op + " failed: " + warm.message);
  }

  std::atomic<long long> ops{0}, errors{0};
  std::mutex first_error_mutex;
  std::string first_error;
  const auto started = std::chrono::steady_clock::now();
  const auto end = started + std::chrono::duration<double>(a.seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < a.concurrency; ++c)
    threads.emplace_back([&, c] {
      while (std::chrono::steady_clock::now() < end) {
        const CallOutcome r = once(store, a, c, body);
        if (r.ok()) {
          ops.fetch_add(1, std::memory_order_relaxed);
        } else if (errors.fetch_add(1) == 0) {
          std::lock_guard lock(first_error_mutex);
          first_error = r.message;
        }
      }
    });
  for (auto& t : threads) t.join();
  const double elapsed = ms_since(started) / 1e3;

  const nlohmann::json out{{"side", "plugin"},
                           {"op", a.op},
                           {"size", a.size},
                           {"concurrency", a.concurrency},
                           {"ops", ops.load()},
                           {"seconds", elapsed},
                           {"ops_per_s", static_cast<double>(ops.load()) / elapsed},
                           {"errors", errors.load()},
                           {"first_error", first_error}};
  std::cout << out.dump() << std::endl;
  rt.reset();
  std::error_code ec;
  std::filesystem::remove_all(state, ec);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  try {
    args = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n" << kUsage << "\n";
    return 2;
  }
  try {
    return run(args);
  } catch (const std::exception& e) {
    std::cerr << "nexus_s3_plugin_bench: " << e.what() << "\n";
    return 1;
  }
}
