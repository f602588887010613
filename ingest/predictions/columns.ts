// Columns that cross to and from the prediction worker as transferable buffers: numbers in typed
// arrays that grow page by page, and text as one UTF-8 buffer with each string's end offset, so a
// postMessage moves a few buffers instead of cloning (and, on arrival, rebuilding) 100,000 strings
// on the event loop.

/** Strings as UTF-8: string i is bytes[ends[i − 1] .. ends[i]) (from 0 for i = 0). */
export interface Utf8Text {
  bytes: Uint8Array;
  ends: Int32Array;
}

const decoder = new TextDecoder();

/** String i of a Utf8Text. */
export function textAt(text: Utf8Text, i: number): string {
  return decoder.decode(text.bytes.subarray(i === 0 ? 0 : text.ends[i - 1], text.ends[i]));
}

/** A column of numbers that grows by pages and ends as one typed array. */
export class Growing<T extends Float64Array | Int32Array> {
  private chunks: T[] = [];
  private current: T;
  private used = 0;
  constructor(
    private readonly make: (length: number) => T,
    initial = 1024,
  ) {
    this.current = make(initial);
  }
  push(value: number): void {
    if (this.used === this.current.length) {
      this.chunks.push(this.current);
      this.current = this.make(this.current.length * 2);
      this.used = 0;
    }
    this.current[this.used++] = value;
  }
  get length(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0) + this.used;
  }
  done(): T {
    const all = this.make(this.length);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    all.set(this.current.subarray(0, this.used), at);
    return all;
  }
}

/** Strings appended as UTF-8 into one growing byte buffer, with each one's end offset. */
export class Utf8Column {
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  readonly ends = new Growing((n) => new Int32Array(n));
  private readonly encoder = new TextEncoder();
  push(text: string): void {
    // A UTF-16 code unit takes at most 3 UTF-8 bytes.
    const need = this.used + text.length * 3;
    if (need > this.bytes.length) {
      const grown = new Uint8Array(Math.max(need, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    this.used += this.encoder.encodeInto(text, this.bytes.subarray(this.used)).written;
    this.ends.push(this.used);
  }
  get count(): number {
    return this.ends.length;
  }
  doneBytes(): Uint8Array {
    return this.bytes.slice(0, this.used);
  }
  done(): Utf8Text {
    return { bytes: this.doneBytes(), ends: this.ends.done() };
  }
}
