"""Runs the warehouse's ClickHouse statements on current ClickHouse (chdb).

usage: python check.py <statements.json>

The JSON comes from export-sql.ts: {"database": ..., "statements": [{"name",
"sql", "expect_rows"?}]}. Statements run in order in one chdb session; the
first failure prints its name, its SQL and ClickHouse's error, and exits 1.
"""
import json
import sys

from chdb import session as chdb_session


def main(path: str) -> int:
    with open(path, encoding="utf-8") as file:
        spec = json.load(file)
    statements = spec["statements"]
    session = chdb_session.Session()
    try:
        version = str(session.query("SELECT version()", "CSV")).strip().strip('"')
        for index, statement in enumerate(statements, start=1):
            name, sql = statement["name"], statement["sql"]
            expected = statement.get("expect_rows")
            try:
                result = session.query(sql, "JSONEachRow")
            except Exception as error:  # chdb raises its own error types; all of them fail the check
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
        print(f"checked {len(statements)} statements on ClickHouse {version}")
        return 0
    finally:
        session.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
