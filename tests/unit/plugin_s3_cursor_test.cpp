// The "s3" plugin's list cursors (plugins/s3/s3_list_cursor.hpp): a whole
// S3 page continues with S3's own NextContinuationToken, a page the plugin
// ends elsewhere with StartAfter, and "v1:" cursors from before keep working.
//
// s3rver 3.7.1 honours ContinuationToken (it decrypts the last key from the
// token, lib/controllers/bucket.js) and refuses a token for another bucket
// or one it cannot read with 400 InvalidArgument, as S3 does. What the
// plugin sends is read from tests/peers/s3_sigv4_proxy.js in front of it
// (its "lists" stats); pages S3 itself never sends (more keys than
// max-keys, no token) are the proxy's canned answers ("list_body" fault).
#include <gtest/gtest.h>

#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "support/env_guard.hpp"
#include "support/http_client.hpp"
#include "support/peers.hpp"
#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

#include <nexus/sdk/base64url.hpp>
#include <nexus/sdk/storage_util.hpp>

namespace nexus::test {
namespace {

constexpr const char* kBucket = "nexus-cursor";
constexpr const char* kOtherBucket = "nexus-cursor-other";
constexpr std::string_view kTokenTag = "s3c1:";

EnvGuard::Vars cleared_aws_env() {
  EnvGuard::Vars vars;
  for (const char* v : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL",
                        "USE_LOCALSTACK", "AWS_REGION", "AWS_DEFAULT_REGION"})
    vars.emplace_back(v, std::nullopt);
  return vars;
}

// The continuation token a "s3c1:" cursor carries.
std::string token_in(const std::string& cursor) {
  EXPECT_EQ(cursor.rfind(kTokenTag, 0), 0u) << cursor;
  return sdk::base64url_decode(cursor.substr(kTokenTag.size())).value_or("<not base64url>");
}

std::string token_cursor(std::string_view token) { return std::string(kTokenTag) + sdk::base64url_encode(token); }

// A ListObjectsV2 answer with `keys`, as S3 writes it.
std::string list_body(const std::vector<std::string>& keys, bool truncated, const std::string& next_token) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>" + std::string(kBucket) +
                    "</Name><KeyCount>" + std::to_string(keys.size()) + "</KeyCount><IsTruncated>" + (truncated ? "true" : "false") +
                    "</IsTruncated>";
  if (!next_token.empty()) xml += "<NextContinuationToken>" + next_token + "</NextContinuationToken>";
  for (const auto& k : keys)
    xml += "<Contents><Key>" + k + "</Key><LastModified>2026-01-02T03:04:05.000Z</LastModified><ETag>e1</ETag><Size>1</Size></Contents>";
  return xml + "</ListBucketResult>";
}

class S3CursorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = std::make_unique<TempDir>();
    auto o = s3rver_options(data_->path());
    o.argv.insert(o.argv.end(), {"--configure-bucket", kBucket, "--configure-bucket", kOtherBucket});
    s3rver_ = std::make_unique<PeerProcess>(o);
    proxy_ = std::make_unique<PeerProcess>(node_script_options("s3_sigv4_proxy.js", {{"UPSTREAM", s3rver_->url()}, {"REGION", "us-east-1"}}));
  }
  static void TearDownTestSuite() {
    proxy_.reset();
    s3rver_.reset();
    data_.reset();
  }

  S3CursorTest() : env_(cleared_aws_env()), plugin_(plugin_path("s3")) {}
  void SetUp() override { control("/__reset"); }
  void TearDown() override {
    if (HasFailure()) std::cerr << "--- proxy stats ---\n" << stats().dump(2) << "\n";
  }

  static void control(const std::string& path, const std::string& body = "") {
    const auto r = HttpClient(static_cast<std::uint16_t>(proxy_->port())).request("POST", path, {}, body);
    ASSERT_EQ(r.status, 200) << path << ": " << r.error;
  }
  // Every ListObjectsV2 the proxy answers from now on.
  static void answer_lists_with(long status, const std::string& body) {
    control("/__faults", nlohmann::json{{"list_status", status}, {"list_body", body}}.dump());
  }
  static nlohmann::json stats() {
    const auto r = HttpClient(static_cast<std::uint16_t>(proxy_->port())).get("/__stats");
    return nlohmann::json::parse(r.body, nullptr, false);
  }
  // The decoded query of each ListObjectsV2 the plugin sent since SetUp.
  static nlohmann::json lists() { return stats()["lists"]; }

  std::unique_ptr<PluginInstance> make(const std::string& bucket, const std::string& prefix) {
    const nlohmann::json config{{"bucket", bucket},         {"prefix", prefix},          {"endpoint", proxy_->url()},
                                {"access_key_id", "S3RVER"}, {"secret_access_key", "S3RVER"}, {"max_retries", 1},
                                {"timeout_ms", 10000}};
    auto c = plugin_.create(config.dump());
    if (c.status != NEXUS_OK) throw std::runtime_error("s3 create failed: " + c.error);
    return std::move(c.instance);
  }
  std::string test_prefix() const {
    return std::string("c/") + ::testing::UnitTest::GetInstance()->current_test_info()->name() + "/";
  }

  // "k/1000" ... : one shape, so s3rver's walk order is byte order.
  static std::vector<std::string> put_keys(const StorageClient& s, int n) {
    std::vector<std::string> keys;
    for (int i = 0; i < n; ++i) {
      keys.push_back("k/" + std::to_string(1000 + i));
      EXPECT_TRUE(s.put(keys.back(), "x").ok()) << keys.back();
    }
    return keys;
  }

  // Every page from `cursor` on; the cursors that led to pages 2.. in `cursors`.
  static std::vector<std::string> list_from(const StorageClient& s, std::string cursor, std::uint32_t limit,
                                            std::vector<std::string>* cursors = nullptr) {
    std::vector<std::string> keys;
    for (int n = 0; n < 1000; ++n) {
      const CallResult r = s.list("", cursor, limit);
      EXPECT_TRUE(r.ok()) << r.error;
      if (!r.ok()) break;
      const auto j = r.json();
      EXPECT_LE(j["objects"].size(), limit);
      for (const auto& o : j["objects"]) keys.push_back(o["key"].get<std::string>());
      if (!j.contains("next_cursor")) break;
      cursor = j["next_cursor"].get<std::string>();
      if (cursors) cursors->push_back(cursor);
    }
    return keys;
  }

  EnvGuard env_;
  LoadedPlugin plugin_;
  static inline std::unique_ptr<TempDir> data_;
  static inline std::unique_ptr<PeerProcess> s3rver_;
  static inline std::unique_ptr<PeerProcess> proxy_;
};

TEST_F(S3CursorTest, PagingOver125KeysSendsEachPagesContinuationTokenAndSeesEveryKeyOnce) {
  const std::string prefix = test_prefix();
  auto inst = make(kBucket, prefix);
  const StorageClient s(*inst);
  const auto expected = put_keys(s, 125);
  control("/__reset");

  std::vector<std::string> cursors;
  EXPECT_EQ(list_from(s, "", 7, &cursors), expected);
  const auto sent = lists();
  ASSERT_EQ(sent.size(), 18u) << "125 keys in pages of 7";
  ASSERT_EQ(cursors.size(), 17u);
  EXPECT_FALSE(sent[0].contains("continuation-token"));
  EXPECT_FALSE(sent[0].contains("start-after"));
  for (std::size_t i = 1; i < sent.size(); ++i) {
    EXPECT_EQ(sent[i].value("continuation-token", ""), token_in(cursors[i - 1])) << "page " << i + 1;
    EXPECT_FALSE(sent[i].contains("start-after")) << "page " << i + 1;
    EXPECT_EQ(sent[i]["prefix"], prefix) << "page " << i + 1;
    EXPECT_EQ(sent[i]["max-keys"], "7") << "page " << i + 1;
  }
}

TEST_F(S3CursorTest, AContinuationCursorIsStableAcrossWrites) {
  auto inst = make(kBucket, test_prefix());
  const StorageClient s(*inst);
  put_keys(s, 20);
  const auto first = s.list("", "", 7).json();
  const std::string last = first["objects"][6]["key"];
  const std::string cursor = first["next_cursor"];
  ASSERT_EQ(cursor.rfind(kTokenTag, 0), 0u) << cursor;
  ASSERT_TRUE(s.put("k/0", "behind").ok());
  ASSERT_TRUE(s.put(last + "0", "ahead").ok());

  const auto next = s.list("", cursor, 7).json();
  ASSERT_FALSE(next["objects"].empty());
  EXPECT_EQ(next["objects"][0]["key"], last + "0");
  for (const auto& o : next["objects"]) EXPECT_NE(o["key"], "k/0");
}

TEST_F(S3CursorTest, AV1CursorStillPagesWithStartAfterThenContinuesWithTokens) {
  const std::string prefix = test_prefix();
  auto inst = make(kBucket, prefix);
  const StorageClient s(*inst);
  const auto all = put_keys(s, 30);
  control("/__reset");

  // What a client saved before the upgrade (or got from the fs backend).
  const std::string v1 = sdk::encode_cursor("k/1009");
  std::vector<std::string> cursors;
  EXPECT_EQ(list_from(s, v1, 8, &cursors), std::vector<std::string>(all.begin() + 10, all.end()));
  const auto sent = lists();
  ASSERT_EQ(sent.size(), 3u) << "20 keys in pages of 8";
  EXPECT_EQ(sent[0].value("start-after", ""), prefix + "k/1009");
  EXPECT_FALSE(sent[0].contains("continuation-token"));
  ASSERT_EQ(cursors.size(), 2u);
  for (std::size_t i = 1; i < sent.size(); ++i) EXPECT_EQ(sent[i].value("continuation-token", ""), token_in(cursors[i - 1]));
}

TEST_F(S3CursorTest, MalformedCursorsOfEitherKindAreInvalidArgumentAndSendNothing) {
  auto inst = make(kBucket, test_prefix());
  const StorageClient s(*inst);
  const std::vector<std::string> bad{"nope",
                                     "v9:YQ",
                                     "v1:%%",
                                     "v1:Y",
                                     "v1:",
                                     "v1:" + sdk::base64url_encode(std::string(1025, 'a')),
                                     "v1:" + sdk::base64url_encode(std::string("a\0b", 3)),
                                     "s3c1:",
                                     "s3c1:%%",
                                     "s3c1:Y",
                                     "S3C1:" + sdk::base64url_encode("token"),
                                     token_cursor("has space"),
                                     token_cursor("new\nline"),
                                     token_cursor("caf\xc3\xa9"),
                                     token_cursor(std::string(4097, 'A'))};
  for (const auto& cursor : bad) {
    const auto r = s.list("", cursor, 5);
    EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT) << cursor;
    EXPECT_NE(r.error.find("list cursor is malformed"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("no cursor to start over"), std::string::npos) << r.error;
  }
  EXPECT_TRUE(lists().empty()) << "a malformed cursor is refused before any request";
  // The longest token a cursor may carry is still sent, intact.
  answer_lists_with(200, list_body({}, false, ""));
  EXPECT_TRUE(s.list("", token_cursor(std::string(4096, 'A')), 5).ok());
  ASSERT_EQ(lists().size(), 1u);
  EXPECT_EQ(lists()[0].value("continuation-token", ""), std::string(4096, 'A'));
}

TEST_F(S3CursorTest, ATokenFromAnotherBucketIsInvalidArgumentSayingToStartOver) {
  auto other = make(kOtherBucket, test_prefix());
  const StorageClient o(*other);
  put_keys(o, 3);
  const auto page = o.list("", "", 2).json();
  const std::string foreign = page["next_cursor"];
  ASSERT_EQ(foreign.rfind(kTokenTag, 0), 0u) << foreign;
  control("/__reset");

  auto inst = make(kBucket, test_prefix());
  const auto r = StorageClient(*inst).list("", foreign, 2);
  EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_NE(r.error.find("start the listing over without a cursor"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("continuation token provided is incorrect"), std::string::npos) << "S3's own words: " << r.error;
  ASSERT_EQ(lists().size(), 1u) << "a 400 is not retried";
  EXPECT_EQ(lists()[0].value("continuation-token", ""), token_in(foreign));
}

TEST_F(S3CursorTest, AnExpiredOrUnknownTokenIsInvalidArgumentSayingToStartOver) {
  auto inst = make(kBucket, test_prefix());
  const auto r = StorageClient(*inst).list("", token_cursor("bogus"), 2);
  EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_NE(r.error.find("start the listing over without a cursor"), std::string::npos) << r.error;
}

TEST_F(S3CursorTest, AnInvalidArgumentAnswerToAStartAfterCursorIsNotBlamedOnATokenThatWasNotSent) {
  auto inst = make(kBucket, test_prefix());
  answer_lists_with(400, "<Error><Code>InvalidArgument</Code><Message>something else</Message></Error>");
  const auto r = StorageClient(*inst).list("", sdk::encode_cursor("k/1"), 2);
  EXPECT_EQ(r.status, NEXUS_INVALID_ARGUMENT);
  EXPECT_EQ(r.error.find("continuation token"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("something else"), std::string::npos) << r.error;
}

TEST_F(S3CursorTest, APageCutShorterThanS3sContinuesAfterItsLastKeyNotWithTheToken) {
  const std::string prefix = test_prefix();
  auto inst = make(kBucket, prefix);
  // A server that ignores max-keys: four keys for a limit of two.
  answer_lists_with(200, list_body({prefix + "a", prefix + "b", prefix + "c", prefix + "d"}, true, "tok-after-d"));
  const auto page = StorageClient(*inst).list("", "", 2).json();
  ASSERT_EQ(page["objects"].size(), 2u);
  EXPECT_EQ(page["objects"][1]["key"], "b");
  EXPECT_EQ(page["next_cursor"], sdk::encode_cursor("b")) << "the token would skip c and d";
}

TEST_F(S3CursorTest, AServerThatSendsMoreThanMaxKeysOnItsLastPageStillGetsACursor) {
  const std::string prefix = test_prefix();
  auto inst = make(kBucket, prefix);
  answer_lists_with(200, list_body({prefix + "a", prefix + "b", prefix + "c"}, false, ""));
  const auto page = StorageClient(*inst).list("", "", 2).json();
  ASSERT_EQ(page["objects"].size(), 2u);
  EXPECT_EQ(page["next_cursor"], sdk::encode_cursor("b"));
}

TEST_F(S3CursorTest, KeysNexusRefusesAreHiddenWithoutEndingThePageSoTheTokenIsKept) {
  const std::string prefix = test_prefix();
  auto inst = make(kBucket, prefix);
  answer_lists_with(200, list_body({prefix + "a", prefix + "b//written-by-another-tool"}, true, "tok-after-b"));
  const auto page = StorageClient(*inst).list("", "", 2).json();
  ASSERT_EQ(page["objects"].size(), 1u);
  EXPECT_EQ(page["objects"][0]["key"], "a");
  EXPECT_EQ(page["next_cursor"], token_cursor("tok-after-b"));
}

TEST_F(S3CursorTest, ATruncatedPageWithoutAUsableTokenContinuesAfterItsLastKey) {
  const std::string prefix = test_prefix();
  auto inst = make(kBucket, prefix);
  const StorageClient s(*inst);
  answer_lists_with(200, list_body({prefix + "a", prefix + "b"}, true, ""));
  EXPECT_EQ(s.list("", "", 2).json()["next_cursor"], sdk::encode_cursor("b")) << "no NextContinuationToken";
  answer_lists_with(200, list_body({prefix + "a", prefix + "b"}, true, "a token with spaces"));
  EXPECT_EQ(s.list("", "", 2).json()["next_cursor"], sdk::encode_cursor("b")) << "a token a cursor cannot carry";
  // A hidden key is still the place to continue after.
  answer_lists_with(200, list_body({prefix + "a", prefix + "b//x"}, true, ""));
  EXPECT_EQ(s.list("", "", 2).json()["next_cursor"], sdk::encode_cursor("b//x"));
}

TEST_F(S3CursorTest, ATruncatedPageWithNeitherTokenNorKeyIsAnErrorNotASilentEnd) {
  auto inst = make(kBucket, test_prefix());
  answer_lists_with(200, list_body({}, true, ""));
  const auto r = StorageClient(*inst).list("", "", 2);
  EXPECT_EQ(r.status, NEXUS_INTERNAL);
  EXPECT_NE(r.error.find("NextContinuationToken"), std::string::npos) << r.error;
}

TEST_F(S3CursorTest, AnEmptyPageWithATokenContinues) {
  auto inst = make(kBucket, test_prefix());
  answer_lists_with(200, list_body({}, true, "tok-empty"));
  const auto page = StorageClient(*inst).list("", "", 2).json();
  EXPECT_TRUE(page["objects"].empty());
  EXPECT_EQ(page["next_cursor"], token_cursor("tok-empty"));
}

}  // namespace
}  // namespace nexus::test
