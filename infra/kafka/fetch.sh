#!/usr/bin/env bash
# Copies the Kafka broker's jars (infra/kafka/pom.xml) from Maven Central into
# .cache/kafka/lib, once: a later run with the jars present does nothing.
set -euo pipefail
source "$(dirname "$0")/env.sh"

# The marker is written last, so an interrupted copy is redone, not trusted.
marker="$KAFKA_LIB/.complete-$(sha1sum "$KAFKA_INFRA_DIR/pom.xml" | cut -c1-12)"
[ -f "$marker" ] && exit 0

# Two runs fetching at once: the second waits, then finds the jars there.
mkdir -p "$KAFKA_CACHE"
exec 8>"$KAFKA_CACHE/lib.lock"
flock -w 600 8 || { echo "another fetch has held $KAFKA_CACHE/lib.lock for 10 minutes" >&2; exit 1; }
[ -f "$marker" ] && exit 0

rm -rf "$KAFKA_LIB"
log="$KAFKA_CACHE/fetch.log"
if ! mvn -q -B -f "$KAFKA_INFRA_DIR/pom.xml" dependency:copy-dependencies \
  -DoutputDirectory="$KAFKA_LIB" >"$log" 2>&1; then
  echo "fetching Kafka's jars with Maven failed; the end of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
touch "$marker"
