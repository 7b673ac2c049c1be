#!/usr/bin/env bash
# Installs every Debian package ccci needs to build, test and run its testbed.
# Idempotent: does nothing (and touches no network) when everything is already installed.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config
  libboost1.81-dev libboost-json1.81-dev libcurl4-openssl-dev libpugixml-dev libyaml-dev libssl-dev
  libgtest-dev libgmock-dev
  # tests and tools the tests call
  git libxml2-utils python3-jsonschema openssl
  # the clang build (scripts/build-clang.sh: sanitizers, fuzzing): clang, libFuzzer, the runtimes
  clang libclang-rt-14-dev
  # the code checks the test command runs: cmake targets check-format and tidy
  clang-format clang-tidy
  # browser checks (browser/): Debian's Chromium (playwright-core never downloads one) and certutil,
  # which trusts the CA in each run's fresh profile; the runner's own tests and fixture-web need them
  chromium libnss3-tools
)
# node and npm run browser/run-flow.mjs; a node from elsewhere (nodesource) brings its own npm
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi
if [[ "${1:-}" == "--testbed" ]]; then
  # the real Docker engine, the gateway, backups, and the binaries fixture images are built from;
  # curl probes the gateway, iptables/iproute2/procps let `ccci-testbed down` restore the host
  packages+=(docker.io caddy restic busybox-static sqlite3 iproute2 iptables curl procps)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm_ci_pinned DIR [ENV...]: `npm ci` in DIR when its node_modules does not hold exactly the
# package-lock.json there yet (a stamp of its hash); nothing, and no network, otherwise.
npm_ci_pinned() {
  local dir lock_hash stamp
  dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../$1" && pwd)
  shift
  lock_hash=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  stamp=$dir/node_modules/.ccci-lock-sha256
  if [[ ! -f $stamp || $(cat "$stamp") != "$lock_hash" ]]; then
    echo "install-deps: npm ci in $dir" >&2
    (cd "$dir" && env "$@" npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_hash" >"$stamp"
  fi
}
# playwright-core for browser checks, never a browser download; oidc-provider for the testbed's
# Keycloak stand-in (testbed/oidc), whose selftest runs on the host in the test suite.
npm_ci_pinned browser PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm_ci_pinned testbed/oidc
