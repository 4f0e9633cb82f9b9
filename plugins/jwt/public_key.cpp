#include "public_key.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <nexus/sdk/jose.hpp>

namespace nexus::plugins::jwt {
namespace {

struct BnDeleter {
  void operator()(BIGNUM* b) const noexcept { BN_free(b); }
};
struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* b) const noexcept { OSSL_PARAM_BLD_free(b); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* c) const noexcept { EVP_PKEY_CTX_free(c); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
struct EcdsaSigDeleter {
  void operator()(ECDSA_SIG* s) const noexcept { ECDSA_SIG_free(s); }
};
using Bn = std::unique_ptr<BIGNUM, BnDeleter>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter>;
using Params = std::unique_ptr<OSSL_PARAM, ParamDeleter>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter>;

constexpr int kMinRsaBits = 2048;

std::optional<std::string> b64_member(const nlohmann::json& jwk, const char* name) {
  const auto s = sdk::jose::string_claim(jwk, name);
  if (!s) return std::nullopt;
  return sdk::jose::base64url_decode(*s);
}

Bn to_bn(const std::string& bytes) {
  return Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
}

// EVP_PKEY_fromdata for `type` ("RSA", "EC") from a finished parameter list.
EvpPkey from_params(const char* type, OSSL_PARAM_BLD* bld) {
  Params params(OSSL_PARAM_BLD_to_param(bld));
  if (!params) return nullptr;
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
    return nullptr;
  return EvpPkey(raw);
}

EvpPkey rsa_from_jwk(const nlohmann::json& jwk, std::string& why) {
  const auto n = b64_member(jwk, "n"), e = b64_member(jwk, "e");
  if (!n || !e || n->empty() || e->empty()) {
    why = "RSA key without valid base64url \"n\" and \"e\"";
    return nullptr;
  }
  Bn bn_n = to_bn(*n), bn_e = to_bn(*e);
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
    why = "cannot build RSA parameters";
    return nullptr;
  }
  EvpPkey key = from_params("RSA", bld.get());
  if (!key) {
    why = "OpenSSL refused the RSA parameters";
    return nullptr;
  }
  if (EVP_PKEY_get_bits(key.get()) < kMinRsaBits) {
    why = "RSA key of " + std::to_string(EVP_PKEY_get_bits(key.get())) + " bits; at least " +
          std::to_string(kMinRsaBits) + " are required";
    return nullptr;
  }
  return key;
}

EvpPkey ec_from_jwk(const nlohmann::json& jwk, std::string& why) {
  const auto crv = sdk::jose::string_claim(jwk, "crv");
  if (crv != "P-256") {
    why = "EC key on curve '" + crv.value_or("(none)") + "'; only P-256 (ES256) is supported";
    return nullptr;
  }
  const auto x = b64_member(jwk, "x"), y = b64_member(jwk, "y");
  if (!x || !y || x->size() != 32 || y->size() != 32) {
    why = "EC P-256 key without 32-byte base64url \"x\" and \"y\"";
    return nullptr;
  }
  std::string point = "\x04" + *x + *y;  // uncompressed SEC1 point
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size())) {
    why = "cannot build EC parameters";
    return nullptr;
  }
  EvpPkey key = from_params("EC", bld.get());
  if (!key) {
    why = "OpenSSL refused the EC point";
    return nullptr;
  }
  // fromdata does not promise an on-curve check; an invalid point is the
  // classic invalid-curve attack surface, so check explicitly.
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    why = "EC point is not on P-256";
    return nullptr;
  }
  return key;
}

// Raw r||s (JWS ES256) → DER ECDSA-Sig-Value (what EVP_DigestVerify wants).
std::optional<std::string> ecdsa_raw_to_der(std::string_view raw) {
  if (raw.size() != 64) return std::nullopt;
  Bn r(BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr));
  Bn s(BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr));
  EcdsaSig sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  (void)r.release();  // now owned by sig
  (void)s.release();
  const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return std::nullopt;
  std::string der(static_cast<std::size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &p) != len) return std::nullopt;
  return der;
}

}  // namespace

std::optional<Alg> alg_from_name(std::string_view name) {
  if (name == "RS256") return Alg::RS256;
  if (name == "PS256") return Alg::PS256;
  if (name == "ES256") return Alg::ES256;
  return std::nullopt;
}

const char* alg_name(Alg a) {
  switch (a) {
    case Alg::RS256:
      return "RS256";
    case Alg::PS256:
      return "PS256";
    case Alg::ES256:
      return "ES256";
  }
  return "?";
}

std::optional<PublicKey> PublicKey::from_jwk(const nlohmann::json& jwk, std::string& why) {
  if (!jwk.is_object()) {
    why = "not a JSON object";
    return std::nullopt;
  }
  PublicKey k;
  k.kid_ = sdk::jose::string_claim(jwk, "kid").value_or("");
  if (const auto use = sdk::jose::string_claim(jwk, "use"); use && *use != "sig") {
    why = "\"use\" is '" + *use + "', not 'sig'";
    return std::nullopt;
  }
  if (const auto alg = sdk::jose::string_claim(jwk, "alg")) {
    k.pinned_ = alg_from_name(*alg);
    if (!k.pinned_) {
      why = "\"alg\" '" + *alg + "' is not one this plugin verifies (RS256, PS256, ES256)";
      return std::nullopt;
    }
  }
  const auto kty = sdk::jose::string_claim(jwk, "kty").value_or("");
  EvpPkey key;
  if (kty == "RSA") {
    k.kty_ = Kty::RSA;
    key = rsa_from_jwk(jwk, why);
  } else if (kty == "EC") {
    k.kty_ = Kty::EC;
    key = ec_from_jwk(jwk, why);
  } else {
    why = "\"kty\" '" + kty + "' is not RSA or EC";
    return std::nullopt;
  }
  if (!key) return std::nullopt;
  if (k.pinned_ && !k.permits(*k.pinned_)) {
    why = "\"alg\" " + std::string(alg_name(*k.pinned_)) + " does not fit \"kty\" " + kty;
    return std::nullopt;
  }
  k.key_ = std::shared_ptr<EVP_PKEY>(key.release(), EvpPkeyDeleter{});
  return k;
}

bool PublicKey::permits(Alg alg) const noexcept {
  if (pinned_ && *pinned_ != alg) return false;
  const bool rsa_alg = alg == Alg::RS256 || alg == Alg::PS256;
  return rsa_alg ? kty_ == Kty::RSA : kty_ == Kty::EC;
}

std::string PublicKey::refusal(Alg alg) const {
  if (pinned_ && *pinned_ != alg)
    return std::string("key '") + kid_ + "' is pinned to " + alg_name(*pinned_) + " but the token says " +
           alg_name(alg);
  return std::string("key '") + kid_ + "' is an " + (kty_ == Kty::RSA ? "RSA" : "EC") + " key and cannot verify " +
         alg_name(alg);
}

bool PublicKey::verify(Alg alg, std::string_view input, std::string_view signature) const {
  if (!permits(alg) || !key_) return false;
  std::string der;
  if (alg == Alg::ES256) {
    auto d = ecdsa_raw_to_der(signature);
    if (!d) return false;
    der = std::move(*d);
    signature = der;
  }
  MdCtx md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by md
  if (!md || EVP_DigestVerifyInit(md.get(), &pctx, EVP_sha256(), nullptr, key_.get()) != 1) return false;
  if (alg == Alg::PS256) {
    // RFC 7518 §3.5: MGF1 with SHA-256 and a salt as long as the hash.
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1)
      return false;
  } else if (alg == Alg::RS256) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return false;
  }
  return EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

}  // namespace nexus::plugins::jwt
