// The "s3" plugin's requests as they travel, through
// tests/peers/s3_sigv4_proxy.js in front of a real s3rver. s3rver does not
// check signatures (PEERS.md) and the signer's own tests (sigv4_test.cpp)
// cannot see what the plugin really sends, so the proxy re-signs every
// request as it arrived with @smithy/signature-v4 and refuses it, as S3
// would, when the signature, the region or the payload hash is wrong. On
// top of that: where the endpoint and region come from, connection reuse,
// the abort of a failed multipart upload, and clock skew (s3rver with its
// clock moved by tests/peers/shifted_clock.js).
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/env_guard.hpp"
#include "support/http_client.hpp"
#include "support/peers.hpp"
#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

constexpr const char* kBucket = "nexus-wire";

// Every variable the plugin reads for endpoint, region and credentials,
// cleared so the developer's own AWS setup cannot leak into a test.
EnvGuard::Vars cleared_aws_env(EnvGuard::Vars set = {}) {
  EnvGuard::Vars vars;
  for (const char* v : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL",
                        "USE_LOCALSTACK", "AWS_REGION", "AWS_DEFAULT_REGION"})
    vars.emplace_back(v, std::nullopt);
  for (auto& s : set) vars.push_back(std::move(s));
  return vars;
}

PeerProcess::Options s3rver_with_bucket(const std::filesystem::path& dir) {
  auto o = s3rver_options(dir);
  o.argv.insert(o.argv.end(), {"--configure-bucket", kBucket});
  return o;
}

// The verifying proxy in front of `upstream`, expecting `region` in scopes.
PeerProcess::Options proxy_options(const PeerProcess& upstream, const std::string& region) {
  return node_script_options("s3_sigv4_proxy.js", {{"UPSTREAM", upstream.url()}, {"REGION", region}});
}

std::string pattern_bytes(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& c : s) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  return s;
}

class S3WireTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = std::make_unique<TempDir>();
    s3rver_ = std::make_unique<PeerProcess>(s3rver_with_bucket(data_->path()));
    proxy_ = std::make_unique<PeerProcess>(proxy_options(*s3rver_, "us-east-1"));
  }
  static void TearDownTestSuite() {
    proxy_.reset();
    s3rver_.reset();
    data_.reset();
  }

  S3WireTest() : env_(cleared_aws_env()), plugin_(plugin_path("s3")) {}
  void SetUp() override { control(*proxy_, "/__reset"); }
  void TearDown() override {
    if (HasFailure()) std::cerr << "--- proxy stats ---\n" << stats(*proxy_).dump(2) << "\n";
  }

  static void control(const PeerProcess& proxy, const std::string& path, const std::string& body = "") {
    const auto r = HttpClient(static_cast<std::uint16_t>(proxy.port())).request("POST", path, {}, body);
    ASSERT_EQ(r.status, 200) << path << ": " << r.error;
  }
  static nlohmann::json stats(const PeerProcess& proxy) {
    const auto r = HttpClient(static_cast<std::uint16_t>(proxy.port())).get("/__stats");
    return nlohmann::json::parse(r.body, nullptr, false);
  }
  static int ops(const nlohmann::json& s, const std::string& op) { return s["ops"].value(op, 0); }

  // Path-style through `proxy` with s3rver's keys.
  static nlohmann::json config_via(const PeerProcess& proxy, const std::string& prefix) {
    return {{"bucket", kBucket},          {"prefix", prefix},          {"endpoint", proxy.url()},
            {"access_key_id", "S3RVER"},  {"secret_access_key", "S3RVER"}, {"max_retries", 1},
            {"timeout_ms", 10000}};
  }
  std::unique_ptr<PluginInstance> make(const nlohmann::json& config) {
    auto c = plugin_.create(config.dump());
    if (c.status != NEXUS_OK) throw std::runtime_error("s3 create failed: " + c.error);
    return std::move(c.instance);
  }
  std::string test_prefix() const {
    return std::string("w/") + ::testing::UnitTest::GetInstance()->current_test_info()->name() + "/";
  }

  // Every kind of request the plugin makes, each checked by the proxy.
  void exercise_every_operation(const StorageClient& s) {
    const nlohmann::json meta{{"caller", "+44 20 7946 0000"}, {"title", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"}, {"spaces", "  two  runs  "}};
    for (const std::string& key : std::vector<std::string>{"a/plain.txt", "sp ace/x y", "plus+sign", "pct%41", "tilde~star*",
                                                           "r&s$t@u=v;w:x,y?z#", "caf\xc3\xa9/\xf0\x9f\x8e\xb5.wav",
                                                           "(paren)[bracket]'q'!"}) {
      const auto put = s.put(key, "v:" + key, typed("text/plain; charset=utf-8", meta.dump()));
      ASSERT_TRUE(put.ok()) << key << ": " << put.error;
      const auto get = s.get(key);
      ASSERT_TRUE(get.ok()) << key << ": " << get.error;
      EXPECT_EQ(get.body, "v:" + key);
      EXPECT_EQ(get.json()["metadata"], meta) << key;
      EXPECT_TRUE(s.head(key).ok()) << key;
      EXPECT_EQ(s.get(key, std::pair{0, 1}).body, "v:") << key;
      EXPECT_EQ(s.get(key, std::pair{-2, -1}).body, key.substr(key.size() - 2)) << key;
    }
    // Listing: a prefix and cursors with characters that must be encoded.
    std::vector<std::string> listed;
    std::string cursor;
    for (int n = 0; n < 20; ++n) {
      const auto l = s.list("", cursor, 3);
      ASSERT_TRUE(l.ok()) << l.error;
      const auto page = l.json();
      for (const auto& o : page["objects"]) listed.push_back(o["key"]);
      if (!page.contains("next_cursor")) break;
      cursor = page["next_cursor"];
    }
    EXPECT_EQ(listed.size(), 8u);
    const auto spaced = s.list("sp ace/", "", 10);
    ASSERT_TRUE(spaced.ok()) << spaced.error;
    EXPECT_EQ(spaced.json()["objects"].size(), 1u);
    // Conditional puts, then deletes.
    PutArgs once;
    once.if_absent = true;
    EXPECT_EQ(s.put("a/plain.txt", "x", once).status, NEXUS_ALREADY_EXISTS);
    PutArgs match;
    match.if_match = s.head("a/plain.txt").json()["etag"];
    EXPECT_TRUE(s.put("a/plain.txt", "y", match).ok());
    for (const auto& key : listed) EXPECT_TRUE(s.del(key).ok()) << key;
  }

  EnvGuard env_;
  LoadedPlugin plugin_;
  static inline std::unique_ptr<TempDir> data_;
  static inline std::unique_ptr<PeerProcess> s3rver_;
  static inline std::unique_ptr<PeerProcess> proxy_;
};

TEST_F(S3WireTest, EveryOperationPathStyleCarriesASignatureSmithyAgreesWith) {
  auto inst = make(config_via(*proxy_, test_prefix()));
  exercise_every_operation(StorageClient(*inst));
  const auto s = stats(*proxy_);
  EXPECT_TRUE(s["rejected"].empty()) << s["rejected"].dump(2);
  for (const char* op : {"PUTObject", "GETObject", "HEADObject", "DELETEObject", "ListObjectsV2"}) EXPECT_GT(ops(s, op), 0) << op;
  int requests = 0;
  for (const auto& [op, count] : s["ops"].items()) requests += count.get<int>();
  EXPECT_EQ(s["verified"], requests) << "every request was verified";
  EXPECT_GT(requests, 40);
}

TEST_F(S3WireTest, EveryOperationVirtualHostStyleCarriesASignatureSmithyAgreesWith) {
  // The host is "<bucket>.s3.localhost:<proxy port>", signed as sent; curl
  // resolves *.localhost to loopback and s3rver finds the bucket in it.
  auto c = config_via(*proxy_, test_prefix());
  c["endpoint"] = "http://s3.localhost:" + std::to_string(proxy_->port());
  c["path_style"] = false;
  auto inst = make(c);
  exercise_every_operation(StorageClient(*inst));
  const auto s = stats(*proxy_);
  EXPECT_TRUE(s["rejected"].empty()) << s["rejected"].dump(2);
  EXPECT_GT(s["verified"].get<int>(), 40);
}

TEST_F(S3WireTest, MultipartUploadPartsAndCompleteAreSignedWithTheirPayloadHashes) {
  auto c = config_via(*proxy_, test_prefix());
  c["multipart_threshold_bytes"] = 5 << 20;
  c["multipart_part_bytes"] = 5 << 20;
  auto inst = make(c);
  const StorageClient storage(*inst);
  const std::string body = pattern_bytes((11u << 20) + 17, 3);
  const auto put = storage.put("big.bin", body, typed("audio/wav", R"({"task-id":"t1"})"));
  ASSERT_TRUE(put.ok()) << put.error;
  const auto got = storage.get("big.bin");
  EXPECT_TRUE(got.body == body) << got.body.size() << " bytes back";
  const auto s = stats(*proxy_);
  EXPECT_TRUE(s["rejected"].empty()) << s["rejected"].dump(2);
  EXPECT_EQ(ops(s, "CreateMultipartUpload"), 1);
  EXPECT_EQ(ops(s, "UploadPart"), 3);
  EXPECT_EQ(ops(s, "CompleteMultipartUpload"), 1);
  EXPECT_EQ(ops(s, "AbortMultipartUpload"), 0);
}

TEST_F(S3WireTest, SessionTokenIsSentAndSigned) {
  auto c = config_via(*proxy_, test_prefix());
  c["session_token"] = "FwoGZXIvYXdzEJr//////////wEaDH+token/with=odd+chars";
  auto inst = make(c);
  const StorageClient storage(*inst);
  ASSERT_TRUE(storage.put("k", "v").ok());
  EXPECT_EQ(storage.get("k").body, "v");
  const auto s = stats(*proxy_);
  EXPECT_TRUE(s["rejected"].empty()) << s["rejected"].dump(2);
  EXPECT_EQ(s["verified"], 2);
}

TEST_F(S3WireTest, AWrongSecretIsRefusedAsSignatureDoesNotMatch) {
  // The proxy really checks: the right key id with a wrong secret fails.
  auto c = config_via(*proxy_, test_prefix());
  c["secret_access_key"] = "not-the-secret-4711";
  auto inst = make(c);
  const auto r = StorageClient(*inst).put("k", "v");
  EXPECT_EQ(r.status, NEXUS_UNAUTHENTICATED) << r.error;
  EXPECT_NE(r.error.find("SignatureDoesNotMatch"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find("not-the-secret-4711"), std::string::npos) << r.error;
  const auto s = stats(*proxy_);
  ASSERT_EQ(s["rejected"].size(), 1u) << "a refused signature is not retried";
  EXPECT_EQ(s["rejected"][0]["code"], "SignatureDoesNotMatch");
}

// --- region and endpoint: config, environment, defaults ---------------------

class S3WireRegionTest : public S3WireTest {
 protected:
  static void SetUpTestSuite() {
    S3WireTest::SetUpTestSuite();
    eu_proxy_ = std::make_unique<PeerProcess>(proxy_options(*s3rver_, "eu-west-1"));
  }
  static void TearDownTestSuite() {
    eu_proxy_.reset();
    S3WireTest::TearDownTestSuite();
  }
  void SetUp() override {
    S3WireTest::SetUp();
    control(*eu_proxy_, "/__reset");
  }
  static inline std::unique_ptr<PeerProcess> eu_proxy_;
};

TEST_F(S3WireRegionTest, TheConfiguredRegionIsTheSigningRegion) {
  auto c = config_via(*eu_proxy_, test_prefix());
  c["region"] = "eu-west-1";
  auto inst = make(c);
  EXPECT_TRUE(StorageClient(*inst).put("k", "v").ok());
  EXPECT_TRUE(stats(*eu_proxy_)["rejected"].empty());
}

TEST_F(S3WireRegionTest, AwsRegionThenAwsDefaultRegionWhenTheConfigHasNone) {
  {
    EnvGuard env(EnvGuard::Vars{{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "ap-south-1"}});
    auto inst = make(config_via(*eu_proxy_, test_prefix()));
    EXPECT_TRUE(StorageClient(*inst).put("a", "v").ok());
  }
  {
    EnvGuard env(EnvGuard::Vars{{"AWS_DEFAULT_REGION", "eu-west-1"}});
    auto inst = make(config_via(*eu_proxy_, test_prefix()));
    EXPECT_TRUE(StorageClient(*inst).put("b", "v").ok());
  }
  EXPECT_TRUE(stats(*eu_proxy_)["rejected"].empty()) << stats(*eu_proxy_)["rejected"].dump(2);
}

TEST_F(S3WireRegionTest, AWrongRegionIsAClearErrorNamingTheExpectedOne) {
  auto c = config_via(*eu_proxy_, test_prefix());
  c["region"] = "us-east-1";
  c["max_retries"] = 3;
  auto inst = make(c);
  const auto r = StorageClient(*inst).put("k", "v");
  EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << r.error;
  EXPECT_NE(r.error.find("AuthorizationHeaderMalformed"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("expecting 'eu-west-1'"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("region us-east-1"), std::string::npos) << "the message names the region used: " << r.error;
  EXPECT_EQ(stats(*eu_proxy_)["rejected"].size(), 1u) << "a 4xx is never retried";
}

TEST_F(S3WireTest, EndpointFromAwsEndpointUrlWhenTheConfigHasNone) {
  EnvGuard env(EnvGuard::Vars{{"AWS_ENDPOINT_URL", proxy_->url()}});
  auto c = config_via(*proxy_, test_prefix());
  c.erase("endpoint");
  auto inst = make(c);
  ASSERT_TRUE(StorageClient(*inst).put("k", "from env").ok());
  EXPECT_EQ(stats(*proxy_)["verified"], 1) << "the request went to AWS_ENDPOINT_URL";
  EXPECT_TRUE(plugin_.log().contains("endpoint " + proxy_->url() + " (path-style)"));
}

TEST_F(S3WireTest, TheConfiguredEndpointWinsOverAwsEndpointUrl) {
  EnvGuard env(EnvGuard::Vars{{"AWS_ENDPOINT_URL", "http://127.0.0.1:" + std::to_string(free_tcp_port())}, {"USE_LOCALSTACK", "true"}});
  auto inst = make(config_via(*proxy_, test_prefix()));
  ASSERT_TRUE(StorageClient(*inst).put("k", "from config").ok());
  EXPECT_EQ(stats(*proxy_)["verified"], 1);
}

TEST_F(S3WireTest, UseLocalstackMeansLocalhost4566PathStyle) {
  EnvGuard env(EnvGuard::Vars{{"USE_LOCALSTACK", "true"}});
  auto c = config_via(*proxy_, test_prefix());
  c.erase("endpoint");
  make(c);
  EXPECT_TRUE(plugin_.log().contains("endpoint http://localhost:4566 (path-style)"));
}

TEST_F(S3WireTest, WithoutAnOverrideTheEndpointIsAwsForTheRegionVirtualHostStyle) {
  auto c = config_via(*proxy_, test_prefix());
  c.erase("endpoint");
  c["region"] = "eu-central-1";
  make(c);  // nothing is sent at create: the keys come from the config
  EXPECT_TRUE(plugin_.log().contains("endpoint https://s3.eu-central-1.amazonaws.com (virtual-host style)"));
  EnvGuard env(EnvGuard::Vars{{"AWS_REGION", "ap-southeast-2"}});
  c.erase("region");
  make(c);
  EXPECT_TRUE(plugin_.log().contains("endpoint https://s3.ap-southeast-2.amazonaws.com (virtual-host style)"));
}

// --- connection reuse --------------------------------------------------------

TEST_F(S3WireTest, SequentialRequestsReuseOneConnection) {
  auto inst = make(config_via(*proxy_, test_prefix()));
  const StorageClient s(*inst);
  for (int i = 0; i < 10; ++i) {
    const std::string key = "k" + std::to_string(i);
    ASSERT_TRUE(s.put(key, "v").ok());
    ASSERT_TRUE(s.get(key).ok());
    ASSERT_TRUE(s.head(key).ok());
    ASSERT_TRUE(s.list("", "", 5).ok());
  }
  const auto st = stats(*proxy_);
  EXPECT_EQ(st["verified"], 40);
  EXPECT_EQ(st["connections"], 1) << "40 requests one after another: one kept-alive connection";
}

TEST_F(S3WireTest, ConcurrentRequestsShareTheInstancesPool) {
  auto inst = make(config_via(*proxy_, test_prefix()));
  constexpr int kThreads = 4;
  constexpr int kRounds = 3;
  std::atomic<int> failures{0};
  std::mutex m;
  std::string first;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        const StorageClient s(*inst);
        for (int i = 0; i < 5; ++i) {
          const std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
          if (const auto r = s.put(key, "v"); !r.ok()) {
            ++failures;
            std::lock_guard lock(m);
            if (first.empty()) first = r.error;
          }
        }
      });
    for (auto& th : threads) th.join();
  }
  ASSERT_EQ(failures.load(), 0) << first;
  const auto st = stats(*proxy_);
  EXPECT_EQ(st["verified"], kThreads * kRounds * 5);
  EXPECT_LE(st["connections"].get<int>(), kThreads)
      << "at most one connection per concurrent caller, reused across rounds, never one per request";
}

TEST_F(S3WireTest, EachInstanceHasItsOwnPool) {
  auto a = make(config_via(*proxy_, test_prefix() + "a/"));
  auto b = make(config_via(*proxy_, test_prefix() + "b/"));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(StorageClient(*a).put("k", "a").ok());
    ASSERT_TRUE(StorageClient(*b).put("k", "b").ok());
  }
  EXPECT_EQ(stats(*proxy_)["connections"], 2);
}

// --- multipart failure -------------------------------------------------------

TEST_F(S3WireTest, AFailedMultipartUploadIsAbortedAndTheOldObjectStays) {
  auto c = config_via(*proxy_, test_prefix());
  c["multipart_threshold_bytes"] = 5 << 20;
  c["multipart_part_bytes"] = 5 << 20;
  auto inst = make(c);
  const StorageClient s(*inst);
  ASSERT_TRUE(s.put("call.wav", "the old recording", typed("audio/wav")).ok());
  control(*proxy_, "/__reset");
  control(*proxy_, "/__faults", R"({"fail_part": 2, "status": 400, "code": "InvalidArgument"})");

  const auto put = s.put("call.wav", pattern_bytes(12u << 20, 5), typed("audio/wav"));
  EXPECT_EQ(put.status, NEXUS_INVALID_ARGUMENT) << put.error;
  EXPECT_NE(put.error.find("UploadPart 2/3"), std::string::npos) << put.error;
  auto st = stats(*proxy_);
  EXPECT_EQ(ops(st, "CreateMultipartUpload"), 1);
  EXPECT_EQ(ops(st, "UploadPart"), 2) << "no part after the failed one";
  EXPECT_EQ(ops(st, "CompleteMultipartUpload"), 0);
  EXPECT_EQ(ops(st, "AbortMultipartUpload"), 1) << "the upload is aborted";
  EXPECT_TRUE(st["rejected"].empty()) << "the abort is signed too: " << st["rejected"].dump(2);
  EXPECT_EQ(s.get("call.wav").body, "the old recording");

  // A new key: nothing at all becomes visible.
  const auto fresh = s.put("new.wav", pattern_bytes(12u << 20, 6));
  EXPECT_EQ(fresh.status, NEXUS_INVALID_ARGUMENT) << fresh.error;
  EXPECT_EQ(s.head("new.wav").status, NEXUS_NOT_FOUND);
  EXPECT_EQ(s.list("new", "", 10).json()["objects"].size(), 0u);
  EXPECT_EQ(ops(stats(*proxy_), "AbortMultipartUpload"), 2);
}

TEST_F(S3WireTest, AMultipartPartFailingWithServerErrorsIsRetriedThenAborted) {
  auto c = config_via(*proxy_, test_prefix());
  c["multipart_threshold_bytes"] = 5 << 20;
  c["multipart_part_bytes"] = 5 << 20;
  c["max_retries"] = 2;
  auto inst = make(c);
  control(*proxy_, "/__faults", R"({"fail_part": 1, "status": 500, "code": "InternalError"})");
  const StorageClient s(*inst);
  const auto put = s.put("retried.bin", pattern_bytes(6u << 20, 7));
  EXPECT_EQ(put.status, NEXUS_UNAVAILABLE) << put.error;
  const auto st = stats(*proxy_);
  EXPECT_EQ(ops(st, "UploadPart"), 3) << "one attempt plus max_retries 2";
  EXPECT_EQ(ops(st, "AbortMultipartUpload"), 1);
  EXPECT_EQ(s.head("retried.bin").status, NEXUS_NOT_FOUND);
}

// --- clock skew --------------------------------------------------------------

TEST(S3ClockSkewTest, AServerWhoseClockDiffersIsAClearErrorNotARetryLoop) {
  TempDir dir;
  auto o = s3rver_with_bucket(dir.path());
  // s3rver's clock an hour ahead: it refuses every signed request with
  // RequestTimeTooSkewed, as S3 does past 15 minutes.
  for (auto& [k, v] : o.env)
    if (k == "NODE_OPTIONS") v += " --require " + (peers_dir() / "shifted_clock.js").string();
  o.env.emplace_back("CLOCK_SHIFT_SECONDS", "3600");
  PeerProcess skewed(o);
  EnvGuard env(cleared_aws_env());
  LoadedPlugin plugin(plugin_path("s3"));
  const nlohmann::json c{{"bucket", kBucket}, {"endpoint", skewed.url()}, {"access_key_id", "S3RVER"},
                         {"secret_access_key", "S3RVER"}, {"max_retries", 3}};
  auto created = plugin.create(c.dump());
  ASSERT_EQ(created.status, NEXUS_OK) << created.error;
  const StorageClient s(*created.instance);
  for (const auto& r : {s.put("k", "v"), s.get("k"), s.list("", "", 5)}) {
    EXPECT_EQ(r.status, NEXUS_FAILED_PRECONDITION) << r.error;
    EXPECT_NE(r.error.find("clock skew"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("RequestTimeTooSkewed"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("NTP"), std::string::npos) << r.error;
  }
  // HEAD answers carry no error body (a DELETE starts with a HEAD): the
  // server's Date header tells a wrong clock from a missing permission.
  for (const auto& r : {s.head("k"), s.del("k")}) {
    EXPECT_EQ(r.status, NEXUS_FAILED_PRECONDITION) << r.error;
    EXPECT_NE(r.error.find("clock skew"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("server time"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("NTP"), std::string::npos) << r.error;
  }
}

}  // namespace
}  // namespace nexus::test
