import { describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecords } from '../../../ingest/bus/record-codec';

const messages = [
  { key: 'brand-a', value: '{"kind":"event"}' },
  { key: "brand-'; DROP TABLE events; --", value: 'nul\u0000😀\\"' },
  { key: '', value: '' },
];

describe('record codec', () => {
  it('decodes exactly what it encoded, hostile bytes included', () => {
    const data = encodeRecords(messages);
    expect(decodeRecords(data)).toEqual({ messages, validBytes: data.length });
  });

  it('stops at a record cut short by a crash, keeping the whole ones before it', () => {
    const whole = encodeRecords(messages.slice(0, 2));
    const torn = encodeRecords(messages.slice(2).concat({ key: 'k', value: 'cut short' }));
    for (let cut = 1; cut < torn.length; cut++) {
      const decoded = decodeRecords(Buffer.concat([whole, torn.subarray(0, cut)]));
      expect(decoded.validBytes).toBeLessThanOrEqual(whole.length + cut);
      expect(decoded.messages.slice(0, 2)).toEqual(messages.slice(0, 2));
    }
    const decoded = decodeRecords(Buffer.concat([whole, torn.subarray(0, torn.length - 1)]));
    expect(decoded.messages).toEqual(messages);
    expect(decoded.validBytes).toBe(whole.length + encodeRecords(messages.slice(2)).length);
  });

  it('stops at a record whose checksum does not match', () => {
    const data = encodeRecords(messages);
    const first = encodeRecords(messages.slice(0, 1)).length;
    data[first + 12] = data[first + 12]! ^ 0xff; // a byte inside the second record's body
    expect(decodeRecords(data)).toEqual({ messages: messages.slice(0, 1), validBytes: first });
  });

  it('reads nothing from an empty buffer or from zero bytes of padding', () => {
    expect(decodeRecords(Buffer.alloc(0))).toEqual({ messages: [], validBytes: 0 });
    expect(decodeRecords(Buffer.alloc(64))).toEqual({ messages: [], validBytes: 0 });
  });
});
