// public_key — one verification key from a JWKS (RSA or EC P-256), built
// with OpenSSL 3 from the JWK's public parameters, and the JWS algorithms
// it may verify.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nexus::plugins::jwt {

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
using EvpPkey = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

// The asymmetric algorithms this plugin verifies. HMAC and "none" are not
// here on purpose: with a public key an HMAC "signature" is forgeable.
enum class Alg { RS256, PS256, ES256 };
std::optional<Alg> alg_from_name(std::string_view name);
const char* alg_name(Alg a);

class PublicKey {
 public:
  // Builds a key from a JWK. nullopt with `why` set when it is not a key we
  // can use for signatures (kty/crv unsupported, "use" not "sig", RSA under
  // 2048 bits, EC point not on the curve, malformed parameters).
  static std::optional<PublicKey> from_jwk(const nlohmann::json& jwk, std::string& why);

  const std::string& kid() const noexcept { return kid_; }
  // The JWK's "alg", when it pins one.
  const std::optional<Alg>& pinned_alg() const noexcept { return pinned_; }
  // True when this key may verify `alg`: its kty is of the algorithm's
  // family, and any "alg" on the JWK names exactly this algorithm.
  bool permits(Alg alg) const noexcept;
  // Why permits(alg) is false, for a DENY reason.
  std::string refusal(Alg alg) const;
  // Checks `signature` over `input` (RS256/PS256: RSA signature bytes;
  // ES256: raw r||s, 64 bytes). False on any mismatch or malformed input.
  // [any-thread]: EVP contexts are made per call; the key is read-only.
  bool verify(Alg alg, std::string_view input, std::string_view signature) const;

 private:
  enum class Kty { RSA, EC };
  std::string kid_;
  Kty kty_ = Kty::RSA;
  std::optional<Alg> pinned_;
  std::shared_ptr<EVP_PKEY> key_;  // shared: copies of the key set share it
};

}  // namespace nexus::plugins::jwt
