#!/usr/bin/env bash
# Installs ClickHouse from Debian's packages when missing, then starts the
# test server (start-server.sh). Idempotent. The last line of stdout is
# CLICKHOUSE_URL=http://127.0.0.1:<port>; stop with down.sh.
#   CLICKHOUSE_HTTP_PORT (18123), CLICKHOUSE_TCP_PORT (19000), CLICKHOUSE_START_TIMEOUT (60 s),
#   CLICKHOUSE_RUN_DIR (.cache/clickhouse/run; relative paths are from the repo root)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if ! server_binary >/dev/null; then
  echo "installing clickhouse-server and clickhouse-client from Debian's packages" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  install() {
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server clickhouse-client >&2
  }
  # A stale package list is the usual reason an install fails; refresh it once and retry.
  if ! install; then
    $SUDO apt-get update -qq >&2
    install
  fi
  server_binary >/dev/null || { echo "clickhouse-server still missing after apt-get install" >&2; exit 1; }
fi

exec bash "$CH_DIR/start-server.sh"
