// In-process costs beside the ABI's (abi_bench.cpp): signing an S3 request
// with SigV4, against the cryptography any SigV4 signer must do for it; and
// reading the default config, etc/nexus.json. bench/run prints them.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <fstream>
#include <sstream>
#include <string>

#include <nexus_aws/sigv4.hpp>

#include "nexus/host/config.hpp"

namespace {

namespace sigv4 = nexus::plugins::aws::sigv4;

// What the s3 plugin signs for a PUT of a recording (s3_client.cpp): path
// style, the body's SHA-256 already computed as it is for the request.
sigv4::Request s3_put() {
  sigv4::Request r;
  r.method = "PUT";
  r.path = "/recordings/2026/11/27/call-0042/recording.wav";
  r.headers = {{"content-type", "audio/wav"},
               {"content-length", "1048576"},
               {"x-amz-meta-nexus", "{\"caller\":\"+15550100\",\"agent\":\"a-17\"}"},
               {"host", "127.0.0.1:4569"}};
  r.payload_hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  return r;
}

const sigv4::Credentials kCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

void BM_SigV4SignS3Put(benchmark::State& state) {
  const sigv4::Request request = s3_put();
  sigv4::Options options;
  options.region = "us-east-1";
  options.service = "s3";
  for (auto _ : state) {
    auto signature = sigv4::sign(request, kCredentials, options, "20261127T120000Z");
    benchmark::DoNotOptimize(signature);
  }
}
BENCHMARK(BM_SigV4SignS3Put);

// The baseline: only the cryptography of that signature, with OpenSSL on
// inputs of the same sizes — the SHA-256 of the canonical request, the four
// HMACs of the signing key, the HMAC of the string to sign — no string
// building at all. No signer can cost less.
void BM_SigV4CryptoFloor(benchmark::State& state) {
  sigv4::Options options;
  options.region = "us-east-1";
  options.service = "s3";
  const std::string canonical = sigv4::canonical_request(s3_put(), options);
  const std::string to_sign(sigv4::string_to_sign("20261127T120000Z", "20261127/us-east-1/s3/aws4_request",
                                                  canonical));
  const std::string secret = "AWS4" + kCredentials.secret_access_key;
  for (auto _ : state) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), digest);
    benchmark::DoNotOptimize(digest);
    unsigned char key[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>("20261127"), 8, key, &len);
    for (const char* part : {"us-east-1", "s3", "aws4_request"}) {
      const std::string p(part);
      HMAC(EVP_sha256(), key, static_cast<int>(len), reinterpret_cast<const unsigned char*>(p.data()), p.size(), key,
           &len);
    }
    HMAC(EVP_sha256(), key, static_cast<int>(len), reinterpret_cast<const unsigned char*>(to_sign.data()),
         to_sign.size(), key, &len);
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK(BM_SigV4CryptoFloor);

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// etc/nexus.json, comments, ${VAR:-default} and all, parsed and checked as
// nexusd does at start and on every reload (plugins are not loaded here).
void BM_ConfigParseDefault(benchmark::State& state) {
  const std::string path = NEXUS_SOURCE_DIR "/etc/nexus.json";
  const std::string text = read_file(path);
  const nexus::host::EnvLookup no_env = [](const std::string&) { return std::optional<std::string>(); };
  for (auto _ : state) {
    auto config = nexus::host::parse_config(text, path, no_env);
    benchmark::DoNotOptimize(config);
  }
}
BENCHMARK(BM_ConfigParseDefault);

}  // namespace

BENCHMARK_MAIN();
