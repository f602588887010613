#!/usr/bin/env bash
# Stops the broker and removes its run dir (config, data, log). The jars stay.
set -euo pipefail
source "$(dirname "$0")/env.sh"
kafka_lock

bash "$KAFKA_INFRA_DIR/stop-broker.sh"
rm -rf "$KAFKA_RUN"
