// support/hs256_token.hpp — a compact JWS signed with HMAC-SHA256, made by
// hand, for tests that need a token the bearer plugin would accept (or
// almost: expired, foreign key) without asking it to mint one.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>
#include <string>

#include <nexus/sdk/jose.hpp>
#include <nlohmann/json.hpp>

namespace nexus::test {

// "<header>.<claims>.<HMAC-SHA256(secret, header.claims)>", base64url.
inline std::string hs256_token(const std::string& secret, const nlohmann::json& header, const nlohmann::json& claims) {
  const std::string input = sdk::jose::signing_input(header, claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len))
    throw std::runtime_error("HMAC-SHA256 failed in OpenSSL");
  return input + "." + sdk::jose::base64url_encode(std::string(reinterpret_cast<const char*>(mac), len));
}

}  // namespace nexus::test
