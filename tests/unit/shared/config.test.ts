import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseArgs } from '../../../src/lib/shared/config';

describe('loadConfig', () => {
  it('defaults to port 3000, ./data and the embedded back-ends', () => {
    const config = loadConfig({}, []);
    expect(config).toMatchObject({
      PORT: 3000,
      DATA_DIR: './data',
      BUS: 'inprocess',
      WAREHOUSE: 'duckdb',
      role: 'all',
      demo: false,
    });
    expect(config.publicUrl).toBe('http://localhost:3000');
  });

  it('reads PORT, DATA_DIR and PUBLIC_URL from the environment', () => {
    const config = loadConfig(
      { PORT: '8080', DATA_DIR: '/var/lib/sr', PUBLIC_URL: 'https://sr.example.com/' },
      ['--demo'],
    );
    expect(config).toMatchObject({ PORT: 8080, DATA_DIR: '/var/lib/sr', demo: true });
    expect(config.publicUrl).toBe('https://sr.example.com');
  });

  it('names every bad variable in one error', () => {
    expect(() => loadConfig({ PORT: 'eighty', BUS: 'carrier-pigeon' }, [])).toThrowError(ConfigError);
    const attempt = () => loadConfig({ PORT: '70000', BUS: 'carrier-pigeon', SESSION_SECRET: 'short' }, []);
    expect(attempt).toThrowError(/PORT/);
    expect(attempt).toThrowError(/BUS/);
    expect(attempt).toThrowError(/SESSION_SECRET must be at least 32 characters/);
  });
});

describe('production back-ends and roles', () => {
  const kafka = { BUS: 'kafka', KAFKA_BROKERS: '127.0.0.1:19092,127.0.0.1:19094' };
  const clickhouse = { WAREHOUSE: 'clickhouse', CLICKHOUSE_URL: 'http://127.0.0.1:18123' };

  it('reads the Kafka and ClickHouse settings', () => {
    const config = loadConfig({ ...kafka, ...clickhouse, KAFKA_PARTITIONS: '6' }, ['--role', 'processor']);
    expect(config).toMatchObject({
      BUS: 'kafka',
      KAFKA_BROKERS: '127.0.0.1:19092,127.0.0.1:19094',
      KAFKA_PARTITIONS: 6,
      WAREHOUSE: 'clickhouse',
      CLICKHOUSE_DATABASE: 'signalroom',
      role: 'processor',
    });
  });

  it('names the missing address of a chosen back-end', () => {
    expect(() => loadConfig({ BUS: 'kafka' }, [])).toThrowError(/BUS=kafka needs KAFKA_BROKERS/);
    expect(() => loadConfig({ WAREHOUSE: 'clickhouse' }, [])).toThrowError(
      /WAREHOUSE=clickhouse needs CLICKHOUSE_URL/,
    );
    expect(() => loadConfig({ BUS: 'kafka', KAFKA_BROKERS: 'no-port' }, [])).toThrowError(/host:port/);
    expect(() => loadConfig({ ...clickhouse, CLICKHOUSE_DATABASE: 'x; DROP' }, [])).toThrowError(
      /plain identifier/,
    );
  });

  it('refuses split roles on the embedded back-ends', () => {
    expect(() => loadConfig({}, ['--role', 'ingest'])).toThrowError(/--role ingest needs BUS=kafka/);
    expect(() => loadConfig(kafka, ['--role', 'dashboard'])).toThrowError(/needs WAREHOUSE=clickhouse/);
    expect(loadConfig(kafka, ['--role', 'ingest']).role).toBe('ingest');
    expect(() => loadConfig(kafka, ['--role', 'ingest', '--demo'])).toThrowError(
      /--demo runs with --role all/,
    );
  });
});

describe('parseArgs', () => {
  it('takes --role in both spellings', () => {
    expect(parseArgs(['--role', 'processor']).role).toBe('processor');
    expect(parseArgs(['--role=dashboard']).role).toBe('dashboard');
  });

  it('refuses unknown roles and unknown flags by name', () => {
    expect(() => parseArgs(['--role', 'janitor'])).toThrowError(/role/);
    expect(() => parseArgs(['--verbose'])).toThrowError(/unknown argument "--verbose"/);
  });
});
