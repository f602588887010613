#!/usr/bin/env bash
# Stops the test ClickHouse server and keeps its data (start-server.sh brings
# it back with everything it had). Idempotent.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
TIMEOUT_SECONDS="${CLICKHOUSE_STOP_TIMEOUT:-30}"

if ! pid="$(running_pid)"; then
  rm -f "$PID_FILE"
  echo "ClickHouse is not running"
  exit 0
fi
kill -TERM "$pid"
deadline=$((SECONDS + TIMEOUT_SECONDS))
while kill -0 "$pid" 2>/dev/null; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "ClickHouse (pid $pid) ignored SIGTERM for ${TIMEOUT_SECONDS}s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    break
  fi
  sleep 0.2
done
rm -f "$PID_FILE"
echo "ClickHouse stopped (pid $pid)"
