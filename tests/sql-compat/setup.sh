#!/usr/bin/env bash
# Installs chdb (current ClickHouse as a Python library) into a venv under
# <repo>/.cache/venv, only when it is missing. Prints the venv's python path
# as the last line of stdout.
set -euo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$REPO_DIR/.cache/venv"
PYTHON="$VENV/bin/python"
# chdb 4.x embeds a current ClickHouse release; the major version pins the SQL dialect we check against.
CHDB_SPEC="${CHDB_SPEC:-chdb>=4,<5}"

if [ -x "$PYTHON" ] && "$PYTHON" -c 'import chdb' >/dev/null 2>&1; then
  echo "$PYTHON"
  exit 0
fi
echo "installing $CHDB_SPEC into $VENV" >&2
python3 -m venv "$VENV" >&2
"$PYTHON" -m pip install --quiet --disable-pip-version-check "$CHDB_SPEC" >&2
"$PYTHON" -c 'import chdb' >&2
echo "$PYTHON"
