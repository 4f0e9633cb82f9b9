// Route-group auth chains and scopes over HTTP: 401 with a challenge, 403
// naming the missing scope, public groups, disabled groups.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/nexusd_process.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

const std::string kOpsKey = "ops-key-0123456789abcdef";
const std::string kReaderKey = "reader-key-0123456789abcdef";  // via {"env": ...}
const std::string kNoScopeKey = "noscope-key-0123456789abcdef";

json fs_instance(const std::filesystem::path& root) {
  return {{"plugin", "fs"}, {"config", {{"root", root.string()}, {"fsync", false}}}};
}

json apikey_instance() {
  return {{"plugin", "apikey"},
          {"config",
           {{"keys",
             {{{"id", "ops"}, {"sha256", sha256_hex(kOpsKey)}, {"scopes", {"storage:*", "admin:read"}}},
              {{"id", "reader"},
               {"env", "NEXUS_TEST_READER_KEY"},
               {"scopes", {"storage:files:read", "storage:files:list"}}},
              {{"id", "noscope"}, {"sha256", sha256_hex(kNoScopeKey)}, {"scopes", json::array()}}}}}}};
}

class AuthHttp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = std::make_unique<TempDir>();
    const json config = {{"instances",
                          {{"files", fs_instance(data_->path() / "files")},
                           {"other", fs_instance(data_->path() / "other")},
                           {"keys", apikey_instance()}}},
                         {"routes", {{"storage", {{"auth", {"keys"}}}}, {"admin", {{"auth", {"keys"}}}}}}};
    server_ = std::make_unique<NexusdProcess>(config, EnvVars{{"NEXUS_TEST_READER_KEY", kReaderKey}});
  }
  static void TearDownTestSuite() {
    server_.reset();
    data_.reset();
  }
  HttpClient client() const { return HttpClient(server_->port()); }
  static HeaderList bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
  static json error_of(const HttpResponse& r) {
    const json j = json::parse(r.body, nullptr, false);
    EXPECT_TRUE(j.is_object() && j.contains("error")) << "not an error body: " << r.body;
    return j.is_object() && j.contains("error") ? j["error"] : json::object();
  }

  static std::unique_ptr<TempDir> data_;
  static std::unique_ptr<NexusdProcess> server_;
};

std::unique_ptr<TempDir> AuthHttp::data_;
std::unique_ptr<NexusdProcess> AuthHttp::server_;

TEST_F(AuthHttp, NoCredentialsIs401WithChallenge) {
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/v1/storage/files/a.txt"},
                                                        {"PUT", "/v1/storage/files/a.txt"},
                                                        {"GET", "/v1/storage/files"},
                                                        {"DELETE", "/v1/storage/files/a.txt"},
                                                        {"GET", "/v1/plugins"},
                                                        {"GET", "/v1/instances"}}) {
    const auto r = client().request(method, path, {}, method == "PUT" ? "x" : "");
    EXPECT_EQ(r.status, 401) << method << " " << path << ": " << r.body;
    EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"nexus\"") << method << " " << path;
    EXPECT_EQ(error_of(r)["code"], "unauthenticated");
    EXPECT_NE(error_of(r)["message"].get<std::string>().find("no credentials"), std::string::npos) << r.body;
  }
  EXPECT_FALSE(std::filesystem::exists(data_->path() / "files" / "a.txt"));
}

TEST_F(AuthHttp, HeadWithoutCredentialsIs401WithoutBody) {
  const auto r = client().head("/v1/storage/files/a.txt");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"nexus\"");
}

TEST_F(AuthHttp, WrongKeyIs401) {
  const auto r = client().get("/v1/storage/files?limit=1", bearer("not-a-real-key-000000000"));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"nexus\"");
  EXPECT_EQ(r.body.find("not-a-real-key"), std::string::npos) << "the credential was echoed";
}

TEST_F(AuthHttp, KeyWithoutTheScopeIs403NamingIt) {
  auto r = client().put("/v1/storage/files/x.txt", "x", bearer(kNoScopeKey));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(error_of(r)["code"], "permission_denied");
  EXPECT_NE(error_of(r)["message"].get<std::string>().find("needs scope 'storage:files:write'"), std::string::npos)
      << r.body;
  EXPECT_EQ(r.header("www-authenticate"), "Bearer error=\"insufficient_scope\", scope=\"storage:files:write\"");
  EXPECT_FALSE(std::filesystem::exists(data_->path() / "files" / "x.txt"));

  r = client().get("/v1/plugins", bearer(kReaderKey));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(error_of(r)["message"].get<std::string>().find("'admin:read'"), std::string::npos) << r.body;
}

TEST_F(AuthHttp, ReaderMayReadAndListButNotWriteOrDelete) {
  ASSERT_EQ(client().put("/v1/storage/files/r.txt", "readable", bearer(kOpsKey)).status, 200);
  EXPECT_EQ(client().get("/v1/storage/files/r.txt", bearer(kReaderKey)).body, "readable");
  EXPECT_EQ(client().head("/v1/storage/files/r.txt", bearer(kReaderKey)).status, 200);
  EXPECT_EQ(client().get("/v1/storage/files", bearer(kReaderKey)).status, 200);
  // The same key through the dedicated header.
  EXPECT_EQ(client().get("/v1/storage/files/r.txt", {{"X-API-Key", kReaderKey}}).status, 200);

  auto r = client().put("/v1/storage/files/r.txt", "overwritten", bearer(kReaderKey));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("storage:files:write"), std::string::npos) << r.body;
  r = client().del("/v1/storage/files/r.txt", bearer(kReaderKey));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("storage:files:delete"), std::string::npos) << r.body;
  r = client().get("/v1/storage/other", bearer(kReaderKey));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("storage:other:list"), std::string::npos) << r.body;
  r = client().get("/v1/storage/other/r.txt", bearer(kReaderKey));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("storage:other:read"), std::string::npos) << r.body;
  EXPECT_EQ(client().get("/v1/storage/files/r.txt", bearer(kOpsKey)).body, "readable");
}

TEST_F(AuthHttp, ScopeIsCheckedBeforeTheInstanceExists) {
  // A caller without the scope learns nothing about which instances exist.
  const auto r = client().get("/v1/storage/nosuch/a", bearer(kReaderKey));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(client().get("/v1/storage/nosuch/a", bearer(kOpsKey)).status, 404);
}

TEST_F(AuthHttp, KeyWithTheScopeSucceeds) {
  EXPECT_EQ(client().put("/v1/storage/files/ok.txt", "ok", bearer(kOpsKey)).status, 200);
  EXPECT_EQ(client().get("/v1/storage/files/ok.txt", bearer(kOpsKey)).status, 200);
  EXPECT_EQ(client().get("/v1/plugins", bearer(kOpsKey)).status, 200);
  EXPECT_EQ(client().get("/v1/instances", bearer(kOpsKey)).status, 200);
}

TEST_F(AuthHttp, HealthIsPublicByDefault) {
  EXPECT_EQ(client().get("/health").status, 200);
  EXPECT_EQ(client().get("/ready").status, 200);
}

TEST(AuthHttpGroups, GroupMissingFromConfigIs404WithTheFix) {
  TempDir data;
  const json config = {{"instances", {{"files", fs_instance(data.path() / "files")}, {"keys", apikey_instance()}}},
                       {"routes", {{"storage", {{"auth", {"keys"}}}}}}};
  NexusdProcess server(config, EnvVars{{"NEXUS_TEST_READER_KEY", kReaderKey}});
  const auto r = HttpClient(server.port()).get("/v1/plugins", {{"Authorization", "Bearer " + kOpsKey}});
  EXPECT_EQ(r.status, 404) << r.body;
  const std::string message = json::parse(r.body)["error"]["message"];
  EXPECT_NE(message.find("route group 'admin' is not enabled"), std::string::npos) << message;
  EXPECT_NE(message.find("\"routes\": {\"admin\": {\"auth\": [\"keys\"]}}"), std::string::npos) << message;
}

TEST(AuthHttpGroups, PublicGroupNeedsNoCredentials) {
  TempDir data;
  const json config = {{"instances", {{"files", fs_instance(data.path() / "files")}}},
                       {"routes", {{"storage", {{"public", true}}}}}};
  NexusdProcess server(config);
  const HttpClient client(server.port());
  EXPECT_EQ(client.put("/v1/storage/files/open.txt", "open").status, 200);
  EXPECT_EQ(client.get("/v1/storage/files/open.txt").body, "open");
}

TEST(AuthHttpGroups, HealthGroupCanBeGuarded) {
  const json config = {{"instances", {{"keys", apikey_instance()}}}, {"routes", {{"health", {{"auth", {"keys"}}}}}}};
  NexusdProcess server(config, EnvVars{{"NEXUS_TEST_READER_KEY", kReaderKey}}, {},
                       {{"Authorization", "Bearer " + kOpsKey}});
  const HttpClient client(server.port());
  const auto r = client.get("/health");
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"nexus\"");
  EXPECT_EQ(client.get("/ready", {{"X-API-Key", kReaderKey}}).status, 200);
}

}  // namespace
}  // namespace nexus::test
