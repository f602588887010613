// Reads a request body without ever holding more than `maxBytes` (+ one
// chunk): a declared Content-Length over the cap is refused before reading,
// and a body that lies about its length (or is chunked) is counted while read.
import { quoteUnsafeIntegers } from './large-integers';

export type CappedBody =
  | { ok: true; bytes: Uint8Array }
  /** Over the cap. `head` is what was read before stopping (empty if refused by Content-Length). */
  | { ok: false; head: Uint8Array };

export async function readCappedBody(request: Request, maxBytes: number): Promise<CappedBody> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, head: new Uint8Array() };
  if (!request.body) return { ok: true, bytes: new Uint8Array() };

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    chunks.push(value);
    if (total > maxBytes) {
      await reader.cancel();
      return { ok: false, head: concat(chunks, total) };
    }
  }
  return { ok: true, bytes: concat(chunks, total) };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type JsonBody = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Strict UTF-8, then JSON.parse; says what was wrong instead of throwing.
 * With `largeIntegersAsStrings`, integers beyond 2^53 arrive as exact strings.
 */
export function parseJsonBody(
  bytes: Uint8Array,
  options: { largeIntegersAsStrings?: boolean } = {},
): JsonBody {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, message: 'body is not valid UTF-8' };
  }
  if (text.trim() === '') return { ok: false, message: 'body is empty' };
  try {
    return { ok: true, value: JSON.parse(options.largeIntegersAsStrings ? quoteUnsafeIntegers(text) : text) };
  } catch (error) {
    return { ok: false, message: `body is not valid JSON: ${(error as Error).message}` };
  }
}
