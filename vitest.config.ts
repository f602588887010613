import { defineConfig } from 'vitest/config';

// Three projects, run in this order by infra/test-all.sh:
//   unit         pure logic, no services, no files outside a temp dir
//   integration  the whole system over HTTP and Socket.IO, contract tests of every seam back-end
//                against real Kafka and ClickHouse, and the SQL check on current ClickHouse (chdb)
//   e2e          a real headless Chromium against the built dashboard
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'tests/contract/**/*.test.ts',
            'tests/integration/**/*.test.ts',
            'tests/sql-compat/**/*.test.ts',
          ],
          // Real Kafka and ClickHouse, started here unless KAFKA_BROKERS / CLICKHOUSE_URL point at running ones.
          globalSetup: ['tests/support/services.global.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
