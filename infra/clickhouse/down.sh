#!/usr/bin/env bash
# Stops the test ClickHouse server and removes its run directory (data, logs,
# rendered config). The Debian packages stay installed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bash "$CH_DIR/stop-server.sh"
rm -rf "$RUN_DIR"
echo "removed $RUN_DIR"
