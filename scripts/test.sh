#!/usr/bin/env bash
# The whole test suite, with its own setup: npm dependencies, and Debian's PostgreSQL for the pushdown tests.
# Used by `npm test` (the README's test command) and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/tsx ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing npm dependencies (npm ci)"
  # npm 11 here refuses this lock file in `npm ci` (it wants entries for Biome's optional binaries of other
  # platforms, which this registry setup never writes); `npm install` installs exactly the locked versions.
  if ! npm ci --no-audit --no-fund; then
    echo "== npm ci refused the lock file; installing the locked versions with npm install"
    npm install --no-audit --no-fund
  fi
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "== installing PostgreSQL (Debian package) for the warehouse pushdown tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "PostgreSQL is not installed and this user cannot apt-get it: install Debian's postgresql package" >&2
    exit 1
  fi
fi

echo "== typecheck (tsc) and lint (biome)"
node node_modules/typescript/bin/tsc --noEmit
node_modules/.bin/biome check src test bench bin scripts

export TZ=UTC
shopt -s globstar nullglob
node --import tsx --test --test-concurrency=2 test/**/*.test.ts
