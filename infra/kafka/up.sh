#!/usr/bin/env bash
# Starts a fresh single-node Kafka (KRaft: one process is broker and controller)
# for tests, and prints KAFKA_BROKERS=127.0.0.1:<port> as the last stdout line.
# Idempotent: if the broker of the pid file is running and answering, it only
# prints the line. Ports: KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (19093).
set -euo pipefail
source "$(dirname "$0")/env.sh"
kafka_lock

if [ -n "$(kafka_running_pid)" ] && [ -f "$KAFKA_RUN/server.properties" ]; then
  port="$(kafka_port)"
  if kafka_wait_ready "$port" 5; then
    echo "KAFKA_BROKERS=127.0.0.1:$port"
    exit 0
  fi
  echo "a broker from $KAFKA_PID_FILE is running but not answering; replacing it" >&2
fi

bash "$KAFKA_INFRA_DIR/fetch.sh"
bash "$KAFKA_INFRA_DIR/down.sh"

port="${KAFKA_PORT:-19092}"
controller_port="${KAFKA_CONTROLLER_PORT:-19093}"
mkdir -p "$KAFKA_RUN/data"

cat >"$KAFKA_RUN/server.properties" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controller_port}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_RUN/data
# One node: every internal topic has one replica, and one in-sync replica is "all".
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
default.replication.factor=1
min.insync.replicas=1
num.partitions=1
# Tests create their topics explicitly, as production does.
auto.create.topics.enable=false
# Groups form at once, and tests may use short sessions to expire a killed consumer quickly.
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
num.network.threads=2
num.io.threads=4
log.retention.hours=24
PROPERTIES

cat >"$KAFKA_RUN/log4j.properties" <<'LOG4J'
# Warnings and errors only, into kafka.log beside the data (the broker's stdout goes there too).
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
LOG4J

cluster_id="$(java -cp "$KAFKA_LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
if ! java -Dlog4j.configuration="file:$KAFKA_RUN/log4j.properties" -cp "$KAFKA_LIB/*" \
  kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_RUN/server.properties" \
  >"$KAFKA_RUN/format.log" 2>&1; then
  echo "formatting Kafka's storage failed:" >&2
  cat "$KAFKA_RUN/format.log" >&2
  exit 1
fi

exec bash "$KAFKA_INFRA_DIR/start-broker.sh"
