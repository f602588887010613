import { fail, redirect } from '@sveltejs/kit';
import { dashboardContext } from '$lib/server/context';
import { dashboardSessions } from '$lib/server/dashboard-sessions';
import { SESSION_COOKIE, SESSION_TTL_MS } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
  if (locals.session) redirect(303, '/');
};

export const actions: Actions = {
  default: async ({ request, cookies, url }) => {
    const form = await request.formData();
    const username = String(form.get('username') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const { brands, secureCookies } = dashboardContext();
    const brand = username && password ? await brands.verifyUser(username, password) : undefined;
    // One message for an unknown user and a wrong password: it does not say which users exist.
    if (!brand) return fail(400, { username, error: 'Wrong username or password' });

    cookies.set(SESSION_COOKIE, dashboardSessions().issue(brand.brand_id, username), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies,
      maxAge: SESSION_TTL_MS / 1000,
    });
    redirect(303, localPath(url.searchParams.get('next')));
  },
};

/** Only a path on this site: `//evil.example` and `https://…` would leave it. */
function localPath(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
