import { describe, expect, it } from 'vitest';
import { ClickHouseQueryError, classifyError } from '../../../clickhouse/errors';
import { WarehouseUnavailableError } from '../../../ingest/warehouse/types';

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:18123`), { code });
}

describe('classifyError', () => {
  it('reads the code of an 18.16 and of a current server error; bad SQL is not retriable', () => {
    const old = classifyError(
      new Error('Code: 62, e.displayText() = DB::Exception: Syntax error: failed at position 1'),
      'read',
    );
    const current = classifyError(
      new Error('Code: 60. DB::Exception: Table x.y does not exist. (UNKNOWN_TABLE)'),
      'read',
    );
    expect(old).toBeInstanceOf(ClickHouseQueryError);
    expect(old).toMatchObject({ code: 62, retriable: false });
    expect(current).toMatchObject({ code: 60, retriable: false });
    expect(old).not.toBeInstanceOf(WarehouseUnavailableError);
  });

  it('treats server overload codes as retriable', () => {
    for (const code of [241, 202, 252, 159]) {
      const error = classifyError(
        new Error(`Code: ${code}, e.displayText() = DB::Exception: busy`),
        'insert',
      );
      expect(error).toBeInstanceOf(WarehouseUnavailableError);
    }
  });

  it('treats unreachable servers, timeouts and bare HTTP failures as unavailable', () => {
    for (const error of [
      networkError('ECONNREFUSED'),
      networkError('ECONNRESET'),
      new Error('Timeout error.'),
      new Error('socket hang up'),
      new Error('<html><body>502 Bad Gateway</body></html>'),
    ]) {
      const classified = classifyError(error, 'read');
      expect(classified).toBeInstanceOf(WarehouseUnavailableError);
      expect(classified.message).toContain('read');
      expect(classified.cause).toBe(error);
    }
  });

  it('leaves programming errors alone and does not wrap twice', () => {
    const bug = new TypeError('x is not a function');
    expect(classifyError(bug, 'read')).toBe(bug);
    const unavailable = new WarehouseUnavailableError('down');
    expect(classifyError(unavailable, 'read')).toBe(unavailable);
  });
});
