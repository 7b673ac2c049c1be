#include "unit/fakes/test_jwt.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <boost/json/serialize.hpp>
#include <cstdio>
#include <cstdlib>

namespace ccci::fakes {
namespace {

void require(bool holds, const char* call) {
  if (holds) return;
  std::fprintf(stderr, "test_jwt: %s failed\n", call);
  std::abort();
}

std::string bignum_bytes(EVP_PKEY* key, const char* name, int padded_to) {
  BIGNUM* number = nullptr;
  require(EVP_PKEY_get_bn_param(key, name, &number) == 1, "EVP_PKEY_get_bn_param");
  int size = padded_to > 0 ? padded_to : BN_num_bytes(number);
  std::string bytes(static_cast<size_t>(size), '\0');
  require(BN_bn2binpad(number, reinterpret_cast<unsigned char*>(bytes.data()), size) == size, "BN_bn2binpad");
  BN_free(number);
  return bytes;
}

const EVP_MD* digest_for(std::string_view alg) {
  if (alg == "RS384") return EVP_sha384();
  if (alg == "RS512") return EVP_sha512();
  return EVP_sha256();
}

/// OpenSSL signs ECDSA in DER; JWS wants r and s, 32 bytes each.
std::string raw_from_der_ecdsa(const std::string& der) {
  const auto* in = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* signature = d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size()));
  require(signature != nullptr, "d2i_ECDSA_SIG");
  std::string raw(64, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  require(BN_bn2binpad(ECDSA_SIG_get0_r(signature), out, 32) == 32, "BN_bn2binpad(r)");
  require(BN_bn2binpad(ECDSA_SIG_get0_s(signature), out + 32, 32) == 32, "BN_bn2binpad(s)");
  ECDSA_SIG_free(signature);
  return raw;
}

std::string encoded_part(const boost::json::object& object) { return base64url(boost::json::serialize(object)); }

}  // namespace

std::string base64url(std::string_view bytes) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (unsigned char byte : bytes) {
    bits = (bits << 8U) | byte;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out.push_back(alphabet[(bits >> static_cast<unsigned>(count)) & 0x3FU]);
    }
    bits &= (1U << static_cast<unsigned>(count)) - 1U;
  }
  if (count > 0) out.push_back(alphabet[(bits << static_cast<unsigned>(6 - count)) & 0x3FU]);
  return out;
}

TestSigningKey::TestSigningKey(std::shared_ptr<EVP_PKEY> key, std::string kid, std::string alg)
    : key_(std::move(key)), kid_(std::move(kid)), alg_(std::move(alg)) {}

TestSigningKey TestSigningKey::rsa(std::string kid) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  require(key != nullptr, "EVP_RSA_gen");
  return {std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free), std::move(kid), "RS256"};
}

TestSigningKey TestSigningKey::p256(std::string kid) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  require(key != nullptr, "EVP_EC_gen");
  return {std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free), std::move(kid), "ES256"};
}

boost::json::object TestSigningKey::public_jwk() const {
  boost::json::object jwk{{"kid", kid_}, {"use", "sig"}, {"alg", alg_}};
  if (alg_ == "RS256") {
    jwk["kty"] = "RSA";
    jwk["n"] = base64url(bignum_bytes(key_.get(), OSSL_PKEY_PARAM_RSA_N, 0));
    jwk["e"] = base64url(bignum_bytes(key_.get(), OSSL_PKEY_PARAM_RSA_E, 0));
  } else {
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
    jwk["x"] = base64url(bignum_bytes(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32));
    jwk["y"] = base64url(bignum_bytes(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32));
  }
  return jwk;
}

std::string TestSigningKey::public_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  require(bio != nullptr && PEM_write_bio_PUBKEY(bio, key_.get()) == 1, "PEM_write_bio_PUBKEY");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

std::string TestSigningKey::token(const boost::json::object& payload) const {
  return sign({{"alg", alg_}, {"typ", "JWT"}, {"kid", kid_}}, payload);
}

std::string TestSigningKey::sign(const boost::json::object& header, const boost::json::object& payload) const {
  std::string input = encoded_part(header) + "." + encoded_part(payload);
  const boost::json::value* alg = header.if_contains("alg");
  std::string_view alg_name = alg && alg->is_string() ? std::string_view(alg->as_string()) : std::string_view();
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  require(context != nullptr && EVP_DigestSignInit(context, nullptr, digest_for(alg_name), nullptr, key_.get()) == 1,
          "EVP_DigestSignInit");
  size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  require(EVP_DigestSign(context, nullptr, &size, data, input.size()) == 1, "EVP_DigestSign(size)");
  std::string signature(size, '\0');
  require(EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &size, data, input.size()) == 1,
          "EVP_DigestSign");
  signature.resize(size);
  EVP_MD_CTX_free(context);
  if (alg_ == "ES256") signature = raw_from_der_ecdsa(signature);
  return input + "." + base64url(signature);
}

std::string jwk_set(const std::vector<boost::json::object>& keys) {
  boost::json::array array;
  for (const auto& key : keys) array.emplace_back(key);
  return boost::json::serialize(boost::json::object{{"keys", std::move(array)}});
}

std::string unsigned_token(const boost::json::object& payload) {
  return encoded_part({{"alg", "none"}, {"typ", "JWT"}}) + "." + encoded_part(payload) + ".";
}

std::string hs256_token(const boost::json::object& payload, std::string_view secret, const std::string& kid) {
  std::string input = encoded_part({{"alg", "HS256"}, {"typ", "JWT"}, {"kid", kid}}) + "." + encoded_part(payload);
  std::string mac(EVP_MAX_MD_SIZE, '\0');
  unsigned size = 0;
  require(HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
               reinterpret_cast<const unsigned char*>(input.data()), input.size(),
               reinterpret_cast<unsigned char*>(mac.data()), &size) != nullptr,
          "HMAC");
  mac.resize(size);
  return input + "." + base64url(mac);
}

}  // namespace ccci::fakes
