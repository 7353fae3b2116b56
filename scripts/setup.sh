#!/usr/bin/env bash
# Installs everything tokensync needs to build and test on Debian 12.
# Idempotent and unattended: when every package is already present it only
# checks and returns (about a second).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

apt_packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev
  libssl-dev libsecp256k1-dev
  libsqlite3-dev sqlite3
  libpq-dev postgresql postgresql-client
  libfmt-dev libspdlog-dev libcli11-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format clang-tidy-16
  clang-19 libclang-rt-19-dev
  prometheus wrk
  chromium
  nodejs
)

# One dpkg-query for all packages keeps the no-op run fast.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${apt_packages[@]}" 2>/dev/null | awk '/install ok installed/ {print $1}' || true)
missing=()
for p in "${apt_packages[@]}"; do
  grep -qx "$p" <<<"$installed" || missing+=("$p")
done
# npm may come from Debian or from NodeSource's nodejs package; only ask for
# Debian's when no npm is on the PATH.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages (anvil, cast, solc) are pinned in package.json and
# package-lock.json. `npm ci` rejects the lock file on this registry mirror
# (other platforms' optional packages are absent), so `npm install` is used;
# it still follows the lock file. Skipped when the stamp is newer than both.
stamp="$root/node_modules/.tokensync-stamp"
if [ ! -f "$stamp" ] || [ "$root/package.json" -nt "$stamp" ] || [ "$root/package-lock.json" -nt "$stamp" ]; then
  echo "setup: installing npm packages"
  (cd "$root" && npm install --no-audit --no-fund --loglevel=error)
  touch "$stamp"
fi

for tool in anvil cast; do
  if [ ! -x "$root/node_modules/.bin/$tool" ] && [ ! -x "$root/node_modules/@foundry-rs/$tool-linux-amd64/bin/$tool" ]; then
    echo "setup: $tool is missing from node_modules" >&2
    exit 1
  fi
done
