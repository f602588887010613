#!/usr/bin/env bash
# The whole test suite, as CI runs it: static checks, unit, contract and
# integration tests, then the production build and the browser tests.
# Ends with one summary line "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

bash infra/ensure-system-deps.sh || { echo "could not install system packages" >&2; exit 1; }

results=$(mktemp -d)
status=0
step() {
  local name=$1; shift
  echo "── ${name}"
  if ! "$@"; then
    echo "✗ ${name} failed" >&2
    status=1
  fi
}

step "typecheck (svelte-check + tsc)" npm run --silent check
step "lint (eslint + prettier)" npm run --silent lint
step "unit tests" npx vitest run --project unit --reporter=default --reporter=json --outputFile="$results/unit.json"
step "contract + integration tests" npx vitest run --project integration --reporter=default --reporter=json --outputFile="$results/integration.json"
step "fault tests" npx vitest run --project faults --reporter=default --reporter=json --outputFile="$results/faults.json"
step "build" npm run --silent build
step "browser tests" npx vitest run --project e2e --reporter=default --reporter=json --outputFile="$results/e2e.json"

node infra/summarize-tests.mjs "$results"/*.json || status=1
rm -rf "$results"
exit $status
