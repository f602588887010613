# Paths and settings shared by the Kafka scripts (sourced, not run).
# Everything lives under <repo>/.cache/kafka: lib/ holds the jars (kept between
# runs), run/ one broker's config, data, log and pid (removed by down.sh).
KAFKA_INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$KAFKA_INFRA_DIR/../.." && pwd)"
KAFKA_CACHE="$REPO_DIR/.cache/kafka"
KAFKA_LIB="$KAFKA_CACHE/lib"
# A second broker beside the first needs its own run dir and ports
# (KAFKA_RUN_DIR=.cache/kafka/run-2 KAFKA_PORT=29092 KAFKA_CONTROLLER_PORT=29093).
KAFKA_RUN="${KAFKA_RUN_DIR:-$KAFKA_CACHE/run}"
case "$KAFKA_RUN" in /*) ;; *) KAFKA_RUN="$REPO_DIR/$KAFKA_RUN" ;; esac
KAFKA_PID_FILE="$KAFKA_RUN/kafka.pid"
KAFKA_LOG_FILE="$KAFKA_RUN/kafka.log"
# How long start-broker.sh waits for the broker to answer a metadata request.
KAFKA_START_TIMEOUT_S="${KAFKA_START_TIMEOUT_S:-60}"

# The pid in the pid file if that process is alive, else nothing.
kafka_running_pid() {
  [ -f "$KAFKA_PID_FILE" ] || return 0
  local pid
  pid="$(cat "$KAFKA_PID_FILE")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
}

# The client port written into this run's server.properties.
kafka_port() {
  sed -n 's#^listeners=PLAINTEXT://127\.0\.0\.1:\([0-9]*\),.*#\1#p' "$KAFKA_RUN/server.properties"
}

# Asks the broker for cluster metadata (kafkajs admin) until it answers or time runs out.
kafka_wait_ready() {
  node "$KAFKA_INFRA_DIR/wait-ready.mjs" "127.0.0.1:$1" "$2"
}

# One script at a time per run dir (two test runs starting Kafka together would
# format the same data dir twice). Nested calls (up.sh runs down.sh) inherit it.
kafka_lock() {
  [ "${KAFKA_LOCK_HELD:-}" = "$KAFKA_RUN" ] && return 0
  mkdir -p "$(dirname "$KAFKA_RUN")"
  exec 9>"$KAFKA_RUN.lock"
  if ! flock -w 180 9; then
    echo "another infra/kafka script has held $KAFKA_RUN.lock for 3 minutes; giving up" >&2
    exit 1
  fi
  export KAFKA_LOCK_HELD="$KAFKA_RUN"
}
