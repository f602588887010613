// Every request: verify the session cookie into locals; without one, every page
// but /login sends the browser to /login.
import type { Handle } from '@sveltejs/kit';
import { dashboardContext } from '$lib/server/context';
import { dashboardSessions } from '$lib/server/dashboard-sessions';
import { SESSION_COOKIE } from '$lib/server/session';

const PUBLIC_PATHS = new Set(['/login']);

export const handle: Handle = async ({ event, resolve }) => {
  const token = event.cookies.get(SESSION_COOKIE);
  const session = token ? dashboardSessions().verify(token) : null;
  const brand = session ? (dashboardContext().brands.get(session.brand_id) ?? null) : null;
  event.locals.session = brand ? session : null;
  event.locals.brand = brand;

  if (!event.locals.session && !PUBLIC_PATHS.has(event.url.pathname)) {
    const next = event.url.pathname === '/' ? '' : `?next=${encodeURIComponent(event.url.pathname)}`;
    return new Response(null, { status: 303, headers: { location: `/login${next}` } });
  }
  return resolve(event);
};
