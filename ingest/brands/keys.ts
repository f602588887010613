// Credentials handed to a brand once, at creation. Keys are stored only as
// their SHA-256; webhook secrets must stay in clear (see brands-file.ts).
import { createHash, randomBytes } from 'node:crypto';
import { WEBHOOK_SOURCES, type WebhookSource } from './types';

export const WRITE_KEY_PREFIX = 'sr_write_';
export const READ_KEY_PREFIX = 'sr_read_';

/** SHA-256 hex of an API key: what the brands file stores and lookups compare. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** 24 random bytes as base64url: no ':' (the key is an HTTP Basic user name) and URL-safe. */
function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export function newWriteKey(): string {
  return WRITE_KEY_PREFIX + randomToken(24);
}

export function newReadKey(): string {
  return READ_KEY_PREFIX + randomToken(24);
}

export function newPassword(): string {
  return randomToken(18);
}

export function newWebhookSecrets(): Record<WebhookSource, string> {
  const entries = WEBHOOK_SOURCES.map((source) => [source, randomBytes(32).toString('hex')] as const);
  return Object.fromEntries(entries) as Record<WebhookSource, string>;
}

/** The one dashboard user every brand starts with; unique because brand ids are. */
export function adminUsername(brandId: string): string {
  return `admin@${brandId}`;
}
