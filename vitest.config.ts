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
          name: 'faults',
          include: ['tests/faults/**/*.test.ts'],
          // A private Kafka broker and ClickHouse server (their own ports and run dirs), which the
          // tests stop and start: stopping them never disturbs another project's services.
          globalSetup: ['tests/faults/support/services.global.ts'],
          environment: 'node',
          // One system at a time: each test runs three role processes and kills services.
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 120_000,
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
