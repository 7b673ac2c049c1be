// How fast the Redactor and RedactingSink go over a 10 MiB log with 50 secrets registered.
#include <benchmark/benchmark.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "harness/redacting_sink.hpp"
#include "harness/redactor.hpp"

namespace ccci::harness {
namespace {

constexpr size_t text_size = 10 << 20;
constexpr int secret_count = 50;

std::vector<std::string> make_secrets() {
  std::mt19937 random(42);
  std::uniform_int_distribution<int> printable(0x21, 0x7E);
  std::vector<std::string> secrets;
  for (int i = 0; i < secret_count; ++i) {
    std::string secret;
    for (size_t length = 24 + random() % 17; secret.size() < length;) secret += static_cast<char>(printable(random));
    secrets.push_back(secret);
  }
  return secrets;
}

std::string base64(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (unsigned char c : bytes) {
    bits = bits << 8 | c;
    for (count += 8; count >= 6; count -= 6) out += alphabet[bits >> (count - 6) & 63];
  }
  return out;
}

/// A run's log: spawns, HTTP requests with percent-encoded queries, JSON with escapes, base64
/// blobs; one line in 500 carries one of the secrets (plain or base64).
std::string make_log(const std::vector<std::string>& secrets) {
  std::mt19937 random(7);
  std::string text;
  for (size_t line = 0; text.size() < text_size; ++line) {
    switch (line % 5) {
      case 0:
        text +=
            "[process] docker service ls --filter label=com.docker.stack.namespace=app_example_org: exit 0 after "
            "1.2s\n";
        break;
      case 1:
        text += "[http] GET https://app.example.org/api/v1/search?q=hello%20world&path=%2Fvar%2Flib&n=" +
                std::to_string(line) + " -> 200\n";
        break;
      case 2:
        text += R"({"level":"info","msg":"caf\u00e9 \"quoted\" at \/srv\/data","n":)" + std::to_string(line) + "}\n";
        break;
      case 3: {
        std::string bytes;
        for (int i = 0; i < 57; ++i) bytes += static_cast<char>(random());
        text += base64(bytes) + "\n";
        break;
      }
      default: text += "  ok  some ordinary output from a container, with words and numbers 12345 and a + b = c\n";
    }
    if (line % 500 == 0) {
      const auto& secret = secrets[line / 500 % secrets.size()];
      text += line % 1000 ? "token " + secret + "\n" : "Authorization: Basic " + base64("u:" + secret) + "\n";
    }
  }
  return text;
}

/// Every byte an escape: the slow path on every position.
std::string make_escape_heavy() {
  std::string text;
  for (size_t i = 0; text.size() < text_size; ++i) text += i % 2 ? "%41%2b\\u00e9+" : "\\\"x\\/y%zz ";
  return text;
}

struct Fixture {
  std::vector<std::string> secrets = make_secrets();
  std::string log = make_log(secrets);
  std::string escapes = make_escape_heavy();
  Redactor redactor;
  Fixture() {
    for (const auto& secret : secrets) redactor.add_secret(secret);
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

void BM_RedactLog10MiB50Secrets(benchmark::State& state) {
  const auto& f = fixture();
  for (auto _ : state) benchmark::DoNotOptimize(f.redactor.redact(f.log));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.log.size()));
}
BENCHMARK(BM_RedactLog10MiB50Secrets)->Unit(benchmark::kMillisecond);

void BM_RedactEscapeHeavy10MiB50Secrets(benchmark::State& state) {
  const auto& f = fixture();
  for (auto _ : state) benchmark::DoNotOptimize(f.redactor.redact(f.escapes));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.escapes.size()));
}
BENCHMARK(BM_RedactEscapeHeavy10MiB50Secrets)->Unit(benchmark::kMillisecond);

void BM_RedactLog10MiBNoSecrets(benchmark::State& state) {
  const auto& f = fixture();
  Redactor empty;
  for (auto _ : state) benchmark::DoNotOptimize(empty.redact(f.log));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.log.size()));
}
BENCHMARK(BM_RedactLog10MiBNoSecrets)->Unit(benchmark::kMillisecond);

/// The log streamed through a sink in 4 KiB writes, as a child's output would arrive.
void BM_SinkLog10MiB50Secrets(benchmark::State& state) {
  const auto& f = fixture();
  auto release = state.range(0) ? RedactingSink::Release::at_newline : RedactingSink::Release::on_flush;
  for (auto _ : state) {
    std::ostringstream out;
    RedactingSink sink(out, f.redactor, release);
    for (size_t at = 0; at < f.log.size(); at += 4096) sink.write(std::string_view(f.log).substr(at, 4096));
    sink.flush();
    benchmark::DoNotOptimize(out.str().size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.log.size()));
}
BENCHMARK(BM_SinkLog10MiB50Secrets)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_AddFiftySecrets(benchmark::State& state) {
  const auto& f = fixture();
  for (auto _ : state) {
    Redactor redactor;
    for (const auto& secret : f.secrets) redactor.add_secret(secret);
    benchmark::DoNotOptimize(redactor.has_secrets());
  }
}
BENCHMARK(BM_AddFiftySecrets)->Unit(benchmark::kMillisecond);

/// The worst case the memoised forks exist for: a secret of backslashes in a run of them.
void BM_RedactBackslashRun1MiB(benchmark::State& state) {
  Redactor redactor;
  redactor.add_secret(std::string(40, '\\'));
  std::string text(1 << 20, '\\');
  for (auto _ : state) benchmark::DoNotOptimize(redactor.redact(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_RedactBackslashRun1MiB)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ccci::harness
