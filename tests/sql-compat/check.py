"""Runs the warehouse's ClickHouse statements on current ClickHouse (chdb).

usage: python check.py <statements.json>

The JSON comes from export-sql.ts: {"database": ..., "statements": [{"name",
"sql", "expect_rows"?, "already_applied_error"?}]}. Statements run in order in one
chdb session; the first failure prints its name, its SQL and ClickHouse's
error, and exits 1. A statement with "already_applied_error" ({"codes",
"pattern"}) may instead fail with one of those codes and a message matching
the pattern: the migrator (clickhouse/migrations.ts) counts that as applied.
"""
import json
import re
import sys

from chdb import session as chdb_session

SERVER_CODE = re.compile(r"\bCode: (\d+)[.,]")


def already_applied(statement: dict, error: Exception) -> bool:
    allowed = statement.get("already_applied_error")
    if allowed is None:
        return False
    message = str(error)
    code = SERVER_CODE.search(message)
    return (
        code is not None
        and int(code.group(1)) in allowed["codes"]
        and re.search(allowed["pattern"], message) is not None
    )


def main(path: str) -> int:
    with open(path, encoding="utf-8") as file:
        spec = json.load(file)
    statements = spec["statements"]
    session = chdb_session.Session()
    try:
        version = str(session.query("SELECT version()", "CSV")).strip().strip('"')
        tolerated = 0
        for index, statement in enumerate(statements, start=1):
            name, sql = statement["name"], statement["sql"]
            expected = statement.get("expect_rows")
            try:
                result = session.query(sql, "JSONEachRow")
            except Exception as error:  # chdb raises its own error types; all but the allowed one fail the check
                if already_applied(statement, error):
                    tolerated += 1
                    continue
                print(f"FAILED statement {index} ({name}) on ClickHouse {version}:\n{sql}\n--- error ---\n{error}")
                return 1
            if expected is not None:
                rows = [line for line in str(result).splitlines() if line.strip()]
                if len(rows) != expected:
                    print(
                        f"FAILED statement {index} ({name}) on ClickHouse {version}: "
                        f"expected {expected} rows, got {len(rows)}:\n{sql}\n--- rows ---\n" + "\n".join(rows[:20])
                    )
                    return 1
        print(f"checked {len(statements)} statements on ClickHouse {version} ({tolerated} already applied)")
        return 0
    finally:
        session.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
