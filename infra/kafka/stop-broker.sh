#!/usr/bin/env bash
# Stops the broker (SIGTERM, then SIGKILL after 20 s) and keeps its data, so
# start-broker.sh brings the same topics and offsets back (fault tests).
set -euo pipefail
source "$(dirname "$0")/env.sh"
kafka_lock

pid="$(kafka_running_pid)"
if [ -n "$pid" ]; then
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 200); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "Kafka (pid $pid) ignored SIGTERM for 20 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
fi
rm -f "$KAFKA_PID_FILE"
