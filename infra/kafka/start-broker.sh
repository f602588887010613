#!/usr/bin/env bash
# Starts the broker on the run dir up.sh prepared (its config and data stay as
# they are, so a restart keeps every topic, message and committed offset), waits
# until it answers, and prints KAFKA_BROKERS=127.0.0.1:<port> as the last line.
set -euo pipefail
source "$(dirname "$0")/env.sh"
kafka_lock

if [ ! -f "$KAFKA_RUN/server.properties" ]; then
  echo "no broker prepared in $KAFKA_RUN; run infra/kafka/up.sh" >&2
  exit 1
fi
port="$(kafka_port)"

if [ -z "$(kafka_running_pid)" ]; then
  # Own session (setsid) so the broker outlives the shell that started it and
  # a Ctrl-C there does not reach it; exec keeps the pid the java process's;
  # fd 9 (the lock) closed, or the broker would hold it as long as it runs.
  setsid bash -c 'exec "$@"' kafka java \
    -Xms128m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_RUN/log4j.properties" \
    -Dkafka.logs.dir="$KAFKA_RUN" \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_RUN/server.properties" \
    >>"$KAFKA_LOG_FILE" 2>&1 </dev/null 9>&- &
  echo $! >"$KAFKA_PID_FILE"
fi

if ! kafka_wait_ready "$port" "$KAFKA_START_TIMEOUT_S"; then
  echo "Kafka did not answer on 127.0.0.1:$port within ${KAFKA_START_TIMEOUT_S}s; the end of $KAFKA_LOG_FILE:" >&2
  tail -n 40 "$KAFKA_LOG_FILE" >&2 || true
  if [ -z "$(kafka_running_pid)" ]; then echo "(the broker process has exited)" >&2; fi
  exit 1
fi
echo "KAFKA_BROKERS=127.0.0.1:$port"
