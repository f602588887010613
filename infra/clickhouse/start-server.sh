#!/usr/bin/env bash
# Starts the test ClickHouse server in the background (no systemd: there is no
# init here) on the data already under .cache/clickhouse/run/, and waits until
# it answers /ping. Idempotent: a server of ours that already answers is kept.
# The last line of stdout is CLICKHOUSE_URL=http://127.0.0.1:<port>.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
TIMEOUT_SECONDS="${CLICKHOUSE_START_TIMEOUT:-60}"

binary="$(server_binary)" || { echo "clickhouse-server is not installed; run infra/clickhouse/up.sh" >&2; exit 1; }

if pid="$(running_pid)"; then
  started_on="$(cat "$RUN_DIR/http_port" 2>/dev/null || echo "?")"
  if [ "$started_on" != "$HTTP_PORT" ]; then
    echo "ClickHouse (pid $pid) already runs on HTTP port $started_on, not $HTTP_PORT; stop it first" \
      "(infra/clickhouse/stop-server.sh or down.sh)" >&2
    exit 1
  fi
  if answers_ping; then
    echo "ClickHouse already running (pid $pid)"
    echo "CLICKHOUSE_URL=$URL"
    exit 0
  fi
  echo "ClickHouse pid $pid is alive but not answering yet; waiting" >&2
elif answers_ping; then
  echo "port $HTTP_PORT answers /ping but not from our server (no live pid in $PID_FILE);" \
    "stop that server or set CLICKHOUSE_HTTP_PORT / CLICKHOUSE_TCP_PORT" >&2
  exit 1
else
  mkdir -p "$RUN_DIR"/{data,tmp,log,user_files,format_schemas}
  # The config is rendered at every start, so a change in infra/clickhouse/ applies on restart.
  sed -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" -e "s|@TCP_PORT@|$TCP_PORT|g" \
    "$CH_DIR/config.xml" >"$RUN_DIR/config.xml"
  cp "$CH_DIR/users.xml" "$RUN_DIR/users.xml"
  # setsid: the server outlives this script and the test runner that called it.
  setsid "$binary" --config-file="$RUN_DIR/config.xml" </dev/null >>"$RUN_DIR/log/stdout.log" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"
  echo "$HTTP_PORT" >"$RUN_DIR/http_port"
fi

deadline=$((SECONDS + TIMEOUT_SECONDS))
until answers_ping; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "ClickHouse (pid $pid) exited during startup" >&2
    log_tail
    rm -f "$PID_FILE"
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "ClickHouse (pid $pid) did not answer $URL/ping within ${TIMEOUT_SECONDS}s" >&2
    log_tail
    exit 1
  fi
  sleep 0.2
done
echo "ClickHouse running (pid $pid, data in $RUN_DIR)"
echo "CLICKHOUSE_URL=$URL"
