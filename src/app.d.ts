// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Brand } from '../ingest/brands/types';
import type { Session } from '$lib/server/session';

declare global {
  namespace App {
    interface Locals {
      /** The verified session cookie, or null; hooks.server.ts sets it on every request. */
      session: Session | null;
      /** The session's brand. */
      brand: Brand | null;
    }
  }
}

export {};
