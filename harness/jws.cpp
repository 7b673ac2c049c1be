#include "harness/jws.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "harness/json_document.hpp"
#include "harness/text.hpp"

namespace ccci::harness {
namespace {

Error failed(std::string message) { return make_error(ErrorKind::check_failed, std::move(message)); }

template <auto Free>
struct Freed {
  template <class T>
  void operator()(T* pointer) const {
    Free(pointer);
  }
};
using Bignum = std::unique_ptr<BIGNUM, Freed<BN_free>>;
using ParamBuilder = std::unique_ptr<OSSL_PARAM_BLD, Freed<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Freed<OSSL_PARAM_free>>;
using PkeyContext = std::unique_ptr<EVP_PKEY_CTX, Freed<EVP_PKEY_CTX_free>>;
using Pkey = std::unique_ptr<EVP_PKEY, Freed<EVP_PKEY_free>>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, Freed<EVP_MD_CTX_free>>;
using EcdsaSignature = std::unique_ptr<ECDSA_SIG, Freed<ECDSA_SIG_free>>;

/// OpenSSL's error queue is per thread and shared with libcurl's TLS: a refused key must not
/// leave an error there for the next handshake to trip over.
struct ErrorQueueCleared {
  ErrorQueueCleared() = default;
  ErrorQueueCleared(const ErrorQueueCleared&) = delete;
  ErrorQueueCleared& operator=(const ErrorQueueCleared&) = delete;
  ~ErrorQueueCleared() { ERR_clear_error(); }
};

std::string openssl_reason() {
  unsigned long code = ERR_peek_last_error();
  if (code == 0) return "no reason given";
  std::array<char, 256> text{};
  ERR_error_string_n(code, text.data(), text.size());
  return text.data();
}

struct Algorithm {
  std::string_view name;
  std::string_view kty;
  const EVP_MD* (*digest)();
};
constexpr std::array<Algorithm, 4> algorithms{{
    {"RS256", "RSA", EVP_sha256},
    {"RS384", "RSA", EVP_sha384},
    {"RS512", "RSA", EVP_sha512},
    {"ES256", "EC", EVP_sha256},
}};
constexpr std::string_view accepted_algorithms = "RS256, RS384, RS512, ES256";
constexpr int min_rsa_bits = 2048;
constexpr int max_rsa_bits = 8192;
constexpr size_t p256_coordinate_bytes = 32;
constexpr size_t max_kids_shown = 5;  // an error lists a few, not a JWK set's worth

Result<const Algorithm*> accepted_algorithm(const std::string& alg) {
  if (alg == "none") return failed("the token's alg is none: an unsigned token is refused");
  if (alg.rfind("HS", 0) == 0) {
    return failed("the token's alg is " + quoted(alg, '\'', 16) + ": symmetric algorithms are refused, only " +
                  std::string(accepted_algorithms) + " are accepted");
  }
  for (const Algorithm& algorithm : algorithms) {
    if (algorithm.name == alg) return &algorithm;
  }
  return failed("the token's alg " + quoted(alg, '\'', 32) +
                " is not accepted (accepted: " + std::string(accepted_algorithms) + ")");
}

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

/// A string member of `object`, or null when it is absent or not a string.
const boost::json::string* string_member(const boost::json::object& object, std::string_view name) {
  const boost::json::value* value = object.if_contains(name);
  return value ? value->if_string() : nullptr;
}

Result<boost::json::object> decode_json_object(std::string_view part, const std::string& what) {
  CCCI_TRY(std::string text, base64url_decode(part, what));
  auto document = parse_json_document(text);
  if (!document.ok() || !document->is_object()) return failed(what + " is not a JSON object");
  return std::move(document->as_object());
}

std::string key_label(const boost::json::object& key) {
  const boost::json::string* kid = string_member(key, "kid");
  return kid ? "key " + quoted(std::string_view(*kid), '\'', 80) : std::string("the key without a kid");
}

/// Whether `key` may check a signature made with `algorithm`; the error says why not.
Status usable_for(const boost::json::object& key, const Algorithm& algorithm) {
  std::string label = key_label(key);
  const boost::json::string* kty = string_member(key, "kty");
  if (!kty) return failed(label + " has no kty");
  if (*kty != algorithm.kty) {
    return failed(label + " is of type " + quoted(std::string_view(*kty), '\'', 16) + ", alg " +
                  std::string(algorithm.name) + " needs " + std::string(algorithm.kty));
  }
  const boost::json::string* use = string_member(key, "use");
  if (key.contains("use") && (!use || *use != "sig"))
    return failed(label + " is not for signatures (its use is not sig)");
  const boost::json::string* alg = string_member(key, "alg");
  if (key.contains("alg") && (!alg || *alg != algorithm.name)) {
    return failed(label + " is meant for another alg than the token's " + std::string(algorithm.name));
  }
  return ok_status();
}

Result<boost::json::array> parse_jwk_set(std::string_view jwks_json) {
  if (jwks_json.size() > JwsLimits::max_jwks_bytes) {
    return failed("the JWK set is " + std::to_string(jwks_json.size()) + " bytes, more than the " +
                  std::to_string(JwsLimits::max_jwks_bytes) + " accepted");
  }
  auto document = parse_json_document(jwks_json);
  if (!document.ok() || !document->is_object()) return failed("the JWK set is not a JSON object");
  boost::json::value* keys = document->as_object().if_contains("keys");
  if (!keys || !keys->is_array()) return failed("the JWK set has no keys array");
  if (keys->as_array().size() > JwsLimits::max_keys) {
    return failed("the JWK set has " + std::to_string(keys->as_array().size()) + " keys, more than the " +
                  std::to_string(JwsLimits::max_keys) + " accepted");
  }
  return std::move(keys->as_array());
}

/// The key of `keys` that checks `jws`'s signature; it points into `keys`.
Result<const boost::json::object*> select_key(const Jws& jws, const Algorithm& algorithm,
                                              const boost::json::array& keys) {
  std::vector<const boost::json::object*> found;
  std::vector<std::string> kids;
  size_t kid_count = 0;
  for (const boost::json::value& key : keys) {
    if (!key.is_object()) return failed("the JWK set holds a key that is not a JSON object");
    const boost::json::string* kid = string_member(key.as_object(), "kid");
    if (kid && ++kid_count <= max_kids_shown) kids.push_back(quoted(std::string_view(*kid), '\'', 80));
    if (!jws.kid.empty() && kid && *kid == jws.kid) found.push_back(&key.as_object());
    if (jws.kid.empty() && usable_for(key.as_object(), algorithm).ok()) found.push_back(&key.as_object());
  }
  if (kid_count > max_kids_shown) kids.emplace_back("…");
  std::string wanted = jws.kid.empty() ? "the token has no kid and " : "the token's kid " + quoted(jws.kid, '\'', 80);
  if (found.empty() && jws.kid.empty()) {
    return failed(wanted + "the JWK set has no " + std::string(algorithm.kty) + " signing key for " +
                  std::string(algorithm.name));
  }
  if (found.empty()) return failed(wanted + " is not in the JWK set (its kids: " + join(kids, ", ") + ")");
  if (found.size() > 1) {
    return failed(wanted + (jws.kid.empty() ? "" : " names ") + std::to_string(found.size()) + " keys of the JWK set" +
                  (jws.kid.empty() ? " fit" : "") + ": which one signed the token is ambiguous");
  }
  CCCI_TRY_STATUS(usable_for(*found.front(), algorithm));
  return found.front();
}

Result<Pkey> key_from_params(const char* type, OSSL_PARAM_BLD* builder, const std::string& label) {
  Params params(OSSL_PARAM_BLD_to_param(builder));
  PkeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return failed(label + " is not a usable public key (" + openssl_reason() + ")");
  }
  return Pkey(key);
}

Result<std::string> key_member(const boost::json::object& key, std::string_view name, const std::string& label) {
  const boost::json::string* value = string_member(key, name);
  if (!value) return failed(label + " has no " + std::string(name));
  return base64url_decode(*value, label + "'s " + std::string(name));
}

Result<Pkey> rsa_key(const boost::json::object& jwk, const std::string& label) {
  CCCI_TRY(std::string n, key_member(jwk, "n", label));
  CCCI_TRY(std::string e, key_member(jwk, "e", label));
  Bignum modulus(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()), nullptr));
  Bignum exponent(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr));
  if (!modulus || !exponent) return failed(label + " is not a usable public key (" + openssl_reason() + ")");
  int bits = BN_num_bits(modulus.get());
  if (bits < min_rsa_bits || bits > max_rsa_bits) {
    return failed(label + " is an RSA key of " + std::to_string(bits) + " bits, outside the " +
                  std::to_string(min_rsa_bits) + " to " + std::to_string(max_rsa_bits) + " accepted");
  }
  if (e.size() > sizeof(uint64_t) || !BN_is_odd(exponent.get()) || BN_is_one(exponent.get())) {
    return failed(label + " has an RSA exponent no signer would use");
  }
  ParamBuilder builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    return failed(label + " is not a usable public key (" + openssl_reason() + ")");
  }
  return key_from_params("RSA", builder.get(), label);
}

Result<Pkey> p256_key(const boost::json::object& jwk, const std::string& label) {
  const boost::json::string* crv = string_member(jwk, "crv");
  if (!crv || *crv != "P-256") return failed(label + " is not on curve P-256, which ES256 needs");
  CCCI_TRY(std::string x, key_member(jwk, "x", label));
  CCCI_TRY(std::string y, key_member(jwk, "y", label));
  if (x.size() != p256_coordinate_bytes || y.size() != p256_coordinate_bytes) {
    return failed(label + "'s x and y are not 32 bytes each, as P-256 coordinates are");
  }
  std::string point = "\x04" + x + y;  // an uncompressed point (SEC 1 §2.3.3)
  ParamBuilder builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    return failed(label + " is not a usable public key (" + openssl_reason() + ")");
  }
  CCCI_TRY(Pkey key, key_from_params("EC", builder.get(), label));
  PkeyContext check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return failed(label + "'s point is not on curve P-256");
  return key;
}

/// JWS carries an ES256 signature as r and s, 32 bytes each; OpenSSL verifies DER.
Result<std::string> der_from_raw_ecdsa(const std::string& raw) {
  if (raw.size() != 2 * p256_coordinate_bytes) {
    return failed("the ES256 signature has " + std::to_string(raw.size()) + " bytes, not 64");
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  EcdsaSignature signature(ECDSA_SIG_new());
  Bignum r(BN_bin2bn(bytes, p256_coordinate_bytes, nullptr));
  Bignum s(BN_bin2bn(bytes + p256_coordinate_bytes, p256_coordinate_bytes, nullptr));
  if (!signature || !r || !s || ECDSA_SIG_set0(signature.get(), r.get(), s.get()) != 1) {
    return failed("the ES256 signature could not be read (" + openssl_reason() + ")");
  }
  (void)r.release();  // owned by `signature` now
  (void)s.release();
  int size = i2d_ECDSA_SIG(signature.get(), nullptr);
  if (size <= 0) return failed("the ES256 signature could not be read (" + openssl_reason() + ")");
  std::string der(static_cast<size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(signature.get(), &out) != size) return failed("the ES256 signature could not be read");
  return der;
}

}  // namespace

Result<std::string> base64url_decode(std::string_view text, std::string_view what) {
  if (text.size() % 4 == 1) return failed(std::string(what) + " is not base64url: no encoding has its length");
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t bits = 0;
  int count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    int value = base64url_value(text[i]);
    if (value < 0) {
      return failed(std::string(what) + " is not base64url: " + printable(text.substr(i, 1), 4) + " at offset " +
                    std::to_string(i));
    }
    bits = (bits << 6U) | static_cast<uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> static_cast<unsigned>(count)) & 0xFFU));
      bits &= (1U << static_cast<unsigned>(count)) - 1U;
    }
  }
  if (bits != 0) return failed(std::string(what) + " is not canonical base64url: its last character has stray bits");
  return out;
}

Result<Jws> parse_jws(std::string_view compact) {
  if (compact.empty()) return failed("the token is empty");
  if (compact.size() > JwsLimits::max_token_bytes) {
    return failed("the token is " + std::to_string(compact.size()) + " bytes, more than the " +
                  std::to_string(JwsLimits::max_token_bytes) + " accepted");
  }
  size_t dots = static_cast<size_t>(std::count(compact.begin(), compact.end(), '.'));
  if (dots != 2) return failed("the token is not a compact JWS: it has " + std::to_string(dots + 1) + " parts, not 3");
  size_t first = compact.find('.');
  size_t second = compact.find('.', first + 1);
  Jws jws;
  CCCI_TRY(jws.header, decode_json_object(compact.substr(0, first), "the JWS header"));
  CCCI_TRY(jws.payload, decode_json_object(compact.substr(first + 1, second - first - 1), "the JWS payload"));
  CCCI_TRY(jws.signature, base64url_decode(compact.substr(second + 1), "the JWS signature"));
  const boost::json::string* alg = string_member(jws.header, "alg");
  if (!alg) return failed("the JWS header has no string alg");
  jws.alg = std::string(*alg);
  if (jws.header.contains("crit"))
    return failed("the JWS header lists crit extensions, none of which are understood here");
  if (jws.header.contains("kid")) {
    const boost::json::string* kid = string_member(jws.header, "kid");
    if (!kid || kid->empty()) return failed("the JWS header's kid is not a non-empty string");
    jws.kid = std::string(*kid);
  }
  jws.signing_input = std::string(compact.substr(0, second));
  return jws;
}

Status verify_jws_signature(const Jws& jws, std::string_view jwks_json) {
  ErrorQueueCleared cleared;
  CCCI_TRY(const Algorithm* algorithm, accepted_algorithm(jws.alg));
  CCCI_TRY(boost::json::array keys, parse_jwk_set(jwks_json));
  CCCI_TRY(const boost::json::object* jwk, select_key(jws, *algorithm, keys));
  std::string label = key_label(*jwk);
  CCCI_TRY(Pkey key, algorithm->kty == "RSA" ? rsa_key(*jwk, label) : p256_key(*jwk, label));
  std::string signature = jws.signature;
  if (algorithm->kty == "EC") {
    CCCI_TRY(signature, der_from_raw_ecdsa(jws.signature));
  }
  DigestContext context(EVP_MD_CTX_new());
  if (!context || EVP_DigestVerifyInit(context.get(), nullptr, algorithm->digest(), nullptr, key.get()) != 1) {
    return failed("the signature could not be checked with " + label + " (" + openssl_reason() + ")");
  }
  if (EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                       reinterpret_cast<const unsigned char*>(jws.signing_input.data()),
                       jws.signing_input.size()) != 1) {
    return failed("the token's " + jws.alg + " signature does not verify with " + label + " of the JWK set");
  }
  return ok_status();
}

Result<Jws> verify_jws(std::string_view compact, std::string_view jwks_json) {
  CCCI_TRY(Jws jws, parse_jws(compact));
  CCCI_TRY_STATUS(verify_jws_signature(jws, jwks_json));
  return jws;
}

}  // namespace ccci::harness
