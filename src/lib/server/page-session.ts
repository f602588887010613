// For page loads and actions behind the login: the session hooks.server.ts
// verified, and its brand. Every warehouse read of a page is scoped by this brand.
import { redirect } from '@sveltejs/kit';
import type { Brand } from '../../../ingest/brands/types';
import type { Session } from './session';

export function requireSession(locals: App.Locals): { session: Session; brand: Brand } {
  if (!locals.session || !locals.brand) redirect(303, '/login');
  return { session: locals.session, brand: locals.brand };
}
