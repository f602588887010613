// The on-disk form of one bus message in a segment file:
//
//   [u32 body length][u32 crc32(body)][u32 key length][key utf-8][value utf-8]
//
// The checksum lets recovery find where a crash cut the last write short: the
// first record that is incomplete or fails its checksum ends the segment.
import { crc32 } from 'node:zlib';
import type { OutgoingMessage } from './types';

const HEADER_BYTES = 8;
const KEY_LENGTH_BYTES = 4;

export function encodeRecords(messages: readonly OutgoingMessage[]): Buffer {
  const parts: Buffer[] = [];
  for (const message of messages) {
    const key = Buffer.from(message.key, 'utf8');
    const value = Buffer.from(message.value, 'utf8');
    const body = Buffer.allocUnsafe(KEY_LENGTH_BYTES + key.length + value.length);
    body.writeUInt32BE(key.length, 0);
    key.copy(body, KEY_LENGTH_BYTES);
    value.copy(body, KEY_LENGTH_BYTES + key.length);
    const header = Buffer.allocUnsafe(HEADER_BYTES);
    header.writeUInt32BE(body.length, 0);
    header.writeUInt32BE(crc32(body), 4);
    parts.push(header, body);
  }
  return Buffer.concat(parts);
}

export interface DecodedRecords {
  messages: OutgoingMessage[];
  /** Bytes of whole, intact records; anything after is a torn write. */
  validBytes: number;
}

export function decodeRecords(data: Buffer): DecodedRecords {
  const messages: OutgoingMessage[] = [];
  let position = 0;
  while (position + HEADER_BYTES <= data.length) {
    const bodyLength = data.readUInt32BE(position);
    const checksum = data.readUInt32BE(position + 4);
    const bodyStart = position + HEADER_BYTES;
    const bodyEnd = bodyStart + bodyLength;
    if (bodyLength < KEY_LENGTH_BYTES || bodyEnd > data.length) break;
    const body = data.subarray(bodyStart, bodyEnd);
    if (crc32(body) !== checksum) break;
    const keyLength = body.readUInt32BE(0);
    if (KEY_LENGTH_BYTES + keyLength > body.length) break;
    messages.push({
      key: body.toString('utf8', KEY_LENGTH_BYTES, KEY_LENGTH_BYTES + keyLength),
      value: body.toString('utf8', KEY_LENGTH_BYTES + keyLength),
    });
    position = bodyEnd;
  }
  return { messages, validBytes: position };
}
