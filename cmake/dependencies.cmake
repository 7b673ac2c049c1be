# Every third-party library comes from a Debian package (see scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED COMPONENTS json)
find_package(CURL REQUIRED)
find_package(pugixml REQUIRED)
# libcrypto verifies ID token signatures (harness/jws is its only user; unit/fakes signs test tokens).
find_package(OpenSSL 3.0 REQUIRED COMPONENTS Crypto)
find_package(PkgConfig REQUIRED)
pkg_check_modules(YAML REQUIRED IMPORTED_TARGET yaml-0.1)
if(CCCI_TESTS)
  find_package(GTest REQUIRED)
endif()
# Optional: Google Benchmark (libbenchmark-dev) for bench/; without it the benchmarks are skipped.
find_package(benchmark QUIET)
