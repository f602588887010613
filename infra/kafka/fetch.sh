#!/usr/bin/env bash
# Copies the Kafka broker's jars (infra/kafka/pom.xml) from Maven Central into
# .cache/kafka/lib, once: a later run with the jars present does nothing.
set -euo pipefail
source "$(dirname "$0")/env.sh"

# The marker is written last, so an interrupted copy is redone, not trusted.
marker="$KAFKA_LIB/.complete-$(sha1sum "$KAFKA_INFRA_DIR/pom.xml" | cut -c1-12)"
[ -f "$marker" ] && exit 0

rm -rf "$KAFKA_LIB"
mkdir -p "$KAFKA_CACHE"
log="$KAFKA_CACHE/fetch.log"
if ! mvn -q -B -f "$KAFKA_INFRA_DIR/pom.xml" dependency:copy-dependencies \
  -DoutputDirectory="$KAFKA_LIB" >"$log" 2>&1; then
  echo "fetching Kafka's jars with Maven failed; the end of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
touch "$marker"
