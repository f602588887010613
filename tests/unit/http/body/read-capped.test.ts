import { describe, expect, it } from 'vitest';
import { parseJsonBody, readCappedBody } from '../../../../ingest/http/body/read-capped';

/** A request whose body arrives in chunks, without a Content-Length (like chunked encoding). */
function streamed(chunks: string[], onPull?: () => void): Request {
  const encoder = new TextEncoder();
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      onPull?.();
      if (index < chunks.length) controller.enqueue(encoder.encode(chunks[index++]!));
      else controller.close();
    },
  });
  return new Request('http://x/', { method: 'POST', body, duplex: 'half' } as RequestInit);
}

describe('readCappedBody', () => {
  it('returns the whole body when it fits', async () => {
    const result = await readCappedBody(streamed(['{"a":', '1}']), 10);
    expect(result.ok && new TextDecoder().decode(result.bytes)).toBe('{"a":1}');
  });

  it('refuses a declared Content-Length over the cap without reading', async () => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const request = new Request('http://x/', {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'content-length': '1000000' },
    } as RequestInit);
    const result = await readCappedBody(request, 100);
    expect(result).toEqual({ ok: false, head: new Uint8Array() });
    expect(pulls).toBeLessThanOrEqual(1); // a stream may pre-pull once; nothing is read by us
  });

  it('stops reading an undeclared body as soon as it passes the cap', async () => {
    let pulls = 0;
    const chunks = Array.from({ length: 1000 }, () => 'x'.repeat(100));
    const result = await readCappedBody(
      streamed(chunks, () => pulls++),
      250,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.head.byteLength).toBe(300);
    expect(pulls).toBeLessThan(10);
  });

  it('accepts a body of exactly the cap', async () => {
    const result = await readCappedBody(streamed(['x'.repeat(64)]), 64);
    expect(result.ok).toBe(true);
  });
});

describe('parseJsonBody', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('parses JSON and says what is wrong otherwise', () => {
    expect(parseJsonBody(bytes('{"a":[1]}'))).toEqual({ ok: true, value: { a: [1] } });
    expect(parseJsonBody(bytes('{"a":'))).toMatchObject({
      ok: false,
      message: expect.stringContaining('not valid JSON'),
    });
    expect(parseJsonBody(bytes('   '))).toEqual({ ok: false, message: 'body is empty' });
    expect(parseJsonBody(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual({
      ok: false,
      message: 'body is not valid UTF-8',
    });
  });
});
