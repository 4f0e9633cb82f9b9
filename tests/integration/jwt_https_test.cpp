// The jwt plugin fetches discovery and JWKS over HTTPS (libcurl) and
// verifies the peer: a real nexusd against oauth2-mock-server serving
// https://127.0.0.1 with a certificate made for this test. Trusted through
// the instance's ca_file it works; an untrusted certificate, or one for
// another host name, leaves the keys unloaded (503), never skips the check.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/log_check.hpp"
#include "support/nexusd_process.hpp"
#include "support/oidc_issuer.hpp"
#include "support/peers.hpp"
#include "support/temp_dir.hpp"

namespace nexus::test {
namespace {

using nlohmann::json;

// A self-signed P-256 certificate for 127.0.0.1 (and only that name).
TlsFiles make_certificate(const TempDir& dir) {
  TlsFiles tls{(dir / "cert.pem").string(), (dir / "key.pem").string()};
  const auto r = run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                              "-nodes", "-keyout", tls.key_pem_path, "-out", tls.cert_pem_path, "-days", "2", "-subj",
                              "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
  if (r.exit_code != 0) throw std::runtime_error("openssl req failed: " + r.err);
  return tls;
}

class JwtHttps : public ::testing::Test {
 protected:
  std::unique_ptr<NexusdProcess> start(json jwt_config) {
    jwt_config["audience"] = "nexus-api";
    jwt_config["timeout_ms"] = 3000;
    const json config = {{"instances",
                          {{"mem", {{"plugin", "memory"}, {"config", json::object()}}},
                           {"sso", {{"plugin", "jwt"}, {"config", jwt_config}}}}},
                         {"routes", {{"storage", {{"auth", {"sso"}}}}}}};
    return std::make_unique<NexusdProcess>(config, EnvVars{}, std::vector<std::string>{"--log-level", "debug"});
  }
  std::string token(const std::string& iss = "") {
    json claims = {{"sub", "reader"}, {"aud", "nexus-api"}, {"scope", "storage:mem:list"}};
    if (!iss.empty()) claims["iss"] = iss;
    tokens_.push_back(issuer_.token("test-key-1", claims));
    return tokens_.back();
  }
  static HeaderList bearer(const std::string& t) { return {{"Authorization", "Bearer " + t}}; }

  TempDir dir_;
  TlsFiles tls_ = make_certificate(dir_);
  OidcIssuer issuer_{tls_};
  std::vector<std::string> tokens_;
};

}  // namespace

TEST_F(JwtHttps, KeysFetchedOverHttpsFromATrustedIssuerVerifyTokens) {
  ASSERT_EQ(issuer_.url().rfind("https://127.0.0.1:", 0), 0u) << issuer_.url();
  const int before = issuer_.jwks_fetches();
  auto nexusd = start({{"issuer", issuer_.url()}, {"ca_file", tls_.cert_pem_path}});
  EXPECT_EQ(issuer_.jwks_fetches(), before + 1) << "the JWKS was fetched over HTTPS at start";
  const auto r = HttpClient(nexusd->port()).get("/v1/storage/mem", bearer(token()));
  EXPECT_EQ(r.status, 200) << r.body;
  expect_never_logged(*nexusd, tokens_);
}

TEST_F(JwtHttps, AnUntrustedCertificateLeavesTheKeysUnloaded) {
  // Without ca_file only the system's CAs are trusted, and they did not sign this certificate.
  auto nexusd = start({{"issuer", issuer_.url()}});
  const auto r = HttpClient(nexusd->port()).get("/v1/storage/mem", bearer(token()));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find("no signing keys"), std::string::npos) << r.body;
  expect_never_logged(*nexusd, tokens_);  // stops nexusd: its log is complete
  const std::string logs = nexusd->stdout_text() + nexusd->stderr_text();
  EXPECT_NE(logs.find("certificate"), std::string::npos) << "the log says why: " << logs;
}

TEST_F(JwtHttps, ACertificateForAnotherHostNameIsRefused) {
  // The same trusted certificate, reached as "localhost": not a name it was made for.
  const std::string port = issuer_.url().substr(issuer_.url().rfind(':') + 1);
  const std::string as_localhost = "https://localhost:" + port;
  auto nexusd =
      start({{"issuer", as_localhost}, {"jwks_uri", as_localhost + "/jwks"}, {"ca_file", tls_.cert_pem_path}});
  const auto r = HttpClient(nexusd->port()).get("/v1/storage/mem", bearer(token(as_localhost)));
  EXPECT_EQ(r.status, 503) << r.body;
  expect_never_logged(*nexusd, tokens_);  // stops nexusd: its log is complete
  const std::string logs = nexusd->stdout_text() + nexusd->stderr_text();
  EXPECT_NE(logs.find("subject name"), std::string::npos) << "the log says why: " << logs;
}

TEST(JwtHttpsConfig, AnUnreadableCaFileIsRefusedAtStart) {
  TempDir dir;
  const json config = {{"instances",
                        {{"sso",
                          {{"plugin", "jwt"},
                           {"config",
                            {{"issuer", "https://issuer.example"},
                             {"audience", "nexus-api"},
                             {"ca_file", (dir / "missing.pem").string()}}}}}}},
                       {"routes", {{"storage", {{"auth", {"sso"}}}}}},
                       {"http", {{"listen", "127.0.0.1:" + std::to_string(pick_free_port())}}}};
  std::ofstream(dir / "nexus.json") << config.dump();
  const auto r = run_nexusd({"--config", (dir / "nexus.json").string(), "--plugin-dir", NEXUS_PLUGIN_DIR}, {},
                            std::chrono::seconds(20));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("ca_file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("missing.pem"), std::string::npos) << r.err;
}

}  // namespace nexus::test
