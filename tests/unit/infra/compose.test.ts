// docker-compose.yml cannot be run here (no Docker engine), so its promises are
// checked as data: one service per role, each with a configuration that
// Signalroom's own parser accepts, health checks, and volumes for state.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/lib/shared/config';

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  deploy?: { replicas?: number };
}

const compose = parse(readFileSync(resolve(import.meta.dirname, '../../../docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
const services = compose.services;

describe('docker-compose.yml', () => {
  it('runs Redpanda, ClickHouse and one service per role', () => {
    expect(services.redpanda?.image).toMatch(/redpanda/);
    expect(services.clickhouse?.image).toMatch(/clickhouse-server/);
    for (const role of ['ingest', 'processor', 'dashboard']) {
      expect(services[role]?.command, role).toEqual(['--role', role]);
    }
    expect(services.processor?.deploy?.replicas).toBeGreaterThanOrEqual(2);
  });

  it('gives every role a configuration Signalroom accepts, on Kafka and ClickHouse', () => {
    for (const role of ['ingest', 'processor', 'dashboard']) {
      const service = services[role]!;
      const config = loadConfig(service.environment ?? {}, service.command ?? []);
      expect(config.BUS, role).toBe('kafka');
      expect(config.WAREHOUSE, role).toBe('clickhouse');
      expect(config.KAFKA_BROKERS, role).toBe('redpanda:9092');
      expect(new URL(config.CLICKHOUSE_URL!).hostname, role).toBe('clickhouse');
      // The ClickHouse credentials the roles use are the ones the server is created with.
      expect(config.CLICKHOUSE_USER).toBe(services.clickhouse?.environment?.CLICKHOUSE_USER);
      expect(config.CLICKHOUSE_PASSWORD).toBe(services.clickhouse?.environment?.CLICKHOUSE_PASSWORD);
    }
  });

  it('checks health everywhere and starts the roles only on healthy services', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test.length, name).toBeGreaterThan(0);
    }
    for (const role of ['ingest', 'processor', 'dashboard']) {
      expect(services[role]?.depends_on).toEqual({
        redpanda: { condition: 'service_healthy' },
        clickhouse: { condition: 'service_healthy' },
      });
    }
  });

  it('keeps state in named volumes, the brands file shared by every role', () => {
    for (const role of ['ingest', 'processor', 'dashboard']) {
      expect(services[role]?.volumes, role).toContain('signalroom-data:/data');
    }
    expect(Object.keys(compose.volumes)).toEqual(
      expect.arrayContaining(['signalroom-data', 'redpanda-data', 'clickhouse-data']),
    );
  });
});
