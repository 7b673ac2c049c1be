// Fuzz target: harness::parse_jws, verify_jws and verify_id_token on a token and a JWK set from
// an identity provider (the input is "<token>\n%%\n<JWK set>"). Whatever they are, the answer is
// a verified token with an accepted alg or a check failure of bounded length that never quotes
// the token's signature.
#include <algorithm>
#include <array>
#include <chrono>

#include "fuzz/fuzz_checks.hpp"
#include "harness/id_token.hpp"
#include "harness/jws.hpp"

namespace {

using ccci::fuzz::require;

/// Messages name what was wrong and quote at most short, cut excerpts of what was received.
constexpr size_t max_message_bytes = 2048;

void require_plain_refusal(const ccci::harness::Error& error, std::string_view token) {
  require(error.kind == ccci::harness::ErrorKind::check_failed, "a refusal is a check failure", error.message);
  require(error.message.size() <= max_message_bytes, "a refusal is short", error.message);
  // Values quoted in messages are cut at 200 bytes, so a longer signature can never appear whole
  // (a shorter one might, legitimately, as a kid or a claim the input chose to equal it).
  std::string_view signature = token.substr(std::min(token.rfind('.') + 1, token.size()));
  if (signature.size() > 256) {
    require(error.message.find(signature) == std::string::npos, "no message quotes the signature", error.message);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ccci::fuzz::InputClock clock;
  auto parts = ccci::fuzz::split_parts(std::string_view(reinterpret_cast<const char*>(data), size), "%%", 2);
  std::string token = parts.empty() ? std::string() : parts[0];
  while (!token.empty() && token.back() == '\n') token.pop_back();
  std::string jwks = parts.size() > 1 ? parts[1] : std::string();

  auto parsed = ccci::harness::parse_jws(token);
  if (!parsed.ok()) require_plain_refusal(parsed.error(), token);
  auto verified = ccci::harness::verify_jws(token, jwks);
  if (verified.ok()) {
    constexpr std::array<std::string_view, 4> accepted{"RS256", "RS384", "RS512", "ES256"};
    require(std::find(accepted.begin(), accepted.end(), verified->alg) != accepted.end(), "only accepted algs verify",
            verified->alg);
    require(parsed.ok(), "a verified token parses");
  } else {
    require_plain_refusal(verified.error(), token);
  }
  const std::chrono::system_clock::time_point now{std::chrono::seconds(1767225600)};
  auto checked = ccci::harness::verify_id_token(token, jwks, {"https://sso.ccci.test/realms/r", "web"}, now);
  require(!checked.ok() || verified.ok(), "an ID token passes only with a verified signature");
  if (!checked.ok()) require_plain_refusal(checked.error(), token);
  clock.require_in_time("verifying a token is quick");
  return 0;
}
