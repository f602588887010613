# Shared by the ClickHouse scripts in this folder (sourced, not run).
# Everything the server writes lives under <repo>/.cache/clickhouse/run/.
# A second server beside the first needs its own run dir and ports
# (CLICKHOUSE_RUN_DIR=.cache/clickhouse/faults CLICKHOUSE_HTTP_PORT=18223 CLICKHOUSE_TCP_PORT=19100).
CH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$CH_DIR/../.." && pwd)"
RUN_DIR="${CLICKHOUSE_RUN_DIR:-$REPO_DIR/.cache/clickhouse/run}"
case "$RUN_DIR" in /*) ;; *) RUN_DIR="$REPO_DIR/$RUN_DIR" ;; esac
PID_FILE="$RUN_DIR/clickhouse-server.pid"
LOG_FILE="$RUN_DIR/log/clickhouse-server.log"
HTTP_PORT="${CLICKHOUSE_HTTP_PORT:-18123}"
TCP_PORT="${CLICKHOUSE_TCP_PORT:-19000}"
URL="http://127.0.0.1:$HTTP_PORT"

server_binary() {
  command -v clickhouse-server 2>/dev/null || { [ -x /usr/sbin/clickhouse-server ] && echo /usr/sbin/clickhouse-server; }
}

# The pid in the pid file, if that process is still alive.
running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

answers_ping() {
  [ "$(curl -s --max-time 2 "$URL/ping" 2>/dev/null)" = "Ok." ]
}

log_tail() {
  sleep 0.5 # the server's logger writes from its own thread; give a dying server's last lines a moment
  local file
  for file in "$RUN_DIR/log/clickhouse-server.err.log" "$LOG_FILE" "$RUN_DIR/log/stdout.log"; do
    if [ -s "$file" ]; then
      echo "--- last lines of $file ---" >&2
      tail -n 20 "$file" >&2
    fi
  done
}
