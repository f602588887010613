import { describe, expect, it } from 'vitest';
import { REJECTED_PAYLOAD_MAX_BYTES, truncatePayload } from '../../../ingest/http/raw-publisher';

describe('truncatePayload', () => {
  it('keeps small payloads whole', () => {
    expect(truncatePayload('{"a":1}')).toBe('{"a":1}');
    expect(truncatePayload(new TextEncoder().encode('{"a":1}'))).toBe('{"a":1}');
  });

  it('cuts to 4 KB without splitting a character', () => {
    const text = 'é'.repeat(5000); // 2 bytes each
    const cut = truncatePayload(text);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(REJECTED_PAYLOAD_MAX_BYTES);
    expect(cut).toBe('é'.repeat(REJECTED_PAYLOAD_MAX_BYTES / 2));
    const emoji = truncatePayload(new TextEncoder().encode('a' + '😀'.repeat(2000)));
    expect(Buffer.byteLength(emoji)).toBeLessThanOrEqual(REJECTED_PAYLOAD_MAX_BYTES);
    expect(emoji).toBe('a' + '😀'.repeat(1023)); // 1 + 4·1023 = 4093 bytes; the next one would not fit
  });

  it('masks write keys, even cut-off ones', () => {
    expect(truncatePayload('{"writeKey": "sr_write_secret", "event":"x"}')).toBe(
      '{"writeKey": "[redacted]", "event":"x"}',
    );
    expect(truncatePayload('{"writeKey":"sr_write_sec')).toBe('{"writeKey":"[redacted]"');
    expect(truncatePayload('{"writeKey":"a\\"b"}')).toBe('{"writeKey":"[redacted]"}');
  });
});
