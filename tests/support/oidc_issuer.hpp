// support/oidc_issuer.hpp — a real OIDC issuer for tests: oauth2-mock-server
// on 127.0.0.1 (tests/peers/oidc_server.mjs) with RS256, ES256 and PS256
// keys, over HTTP or (given a certificate) HTTPS, and its control API to
// mint tokens with any claims, add keys, take the JWKS down and count fetches.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/peers.hpp"

namespace nexus::test {

// A certificate and its private key (PEM files) an issuer serves HTTPS with.
struct TlsFiles {
  std::string cert_pem_path;
  std::string key_pem_path;
};

// The OIDC issuer peer and its control API.
class OidcIssuer {
 public:
  OidcIssuer() : process_(node_script_options("oidc_server.mjs")), http_(static_cast<std::uint16_t>(process_.port())) {}
  // The issuer on HTTPS (https://127.0.0.1:<another port>) with `tls`; the
  // control API stays on plain HTTP.
  explicit OidcIssuer(const TlsFiles& tls)
      : process_(tls_options(tls)), http_(static_cast<std::uint16_t>(process_.port())) {}

  // The issuer URL: its tokens' "iss", the prefix of its discovery document.
  std::string url() const { return tls_port_ ? "https://127.0.0.1:" + std::to_string(tls_port_) : process_.url(); }

  // A token from key `kid` with `claims` merged over the defaults (iss, iat,
  // exp in an hour, nbf), `remove` claims deleted, `header` merged.
  std::string token(const std::string& kid, const nlohmann::json& claims = nlohmann::json::object(),
                    const nlohmann::json& header = nlohmann::json::object(),
                    const std::vector<std::string>& remove = {}, std::optional<int> expires_in = std::nullopt) const {
    nlohmann::json req = {{"kid", kid}, {"claims", claims}, {"header", header}, {"remove", remove}};
    if (expires_in) req["expiresIn"] = *expires_in;
    return post("/__control/token", req).at("token").get<std::string>();
  }
  std::string hs256_confusion(const std::string& kid, const nlohmann::json& claims) const {
    return post("/__control/hs256-confusion", {{"kid", kid}, {"claims", claims}}).at("token").get<std::string>();
  }
  nlohmann::json add_key(const std::string& alg, const std::string& kid) const {
    return post("/__control/keys", {{"alg", alg}, {"kid", kid}});
  }
  void set_keys_up(bool up) const { post("/__control/jwks", {{"up", up}}); }
  int jwks_fetches() const {
    const auto r = http_.get("/__control/stats");
    if (r.status != 200) throw std::runtime_error("oidc stats: " + r.error + r.body);
    return nlohmann::json::parse(r.body).at("jwks").get<int>();
  }

 private:
  PeerProcess::Options tls_options(const TlsFiles& tls) {
    auto o = node_script_options("oidc_server.mjs",
                                 {{"OIDC_TLS_CERT", tls.cert_pem_path}, {"OIDC_TLS_KEY", tls.key_pem_path}});
    tls_port_ = free_tcp_port();
    o.argv.push_back(std::to_string(tls_port_));
    return o;
  }
  nlohmann::json post(const std::string& path, const nlohmann::json& body) const {
    const std::string b = body.dump();
    const auto r = http_.request("POST", path, {{"content-type", "application/json"}}, b, 30);
    if (r.status != 200)
      throw std::runtime_error("oidc control " + path + ": HTTP " + std::to_string(r.status) + " " + r.error + r.body);
    return nlohmann::json::parse(r.body);
  }
  int tls_port_ = 0;  // 0: plain HTTP; set by tls_options before process_ starts
  PeerProcess process_;
  HttpClient http_;
};

}  // namespace nexus::test
