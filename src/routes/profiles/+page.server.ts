import { dashboardContext } from '$lib/server/context';
import { requireSession } from '$lib/server/page-session';
import {
  DEFAULT_PAGE_SIZE,
  DEFAULT_SORT,
  PROFILE_PAGE_SIZES,
  loadProfilesListPage,
  parseProfilesListState,
  profilesListLinks,
  type ProfilesListState,
} from '$lib/server/profiles-list';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const { brand } = requireSession(locals);
  const sizes = [...PROFILE_PAGE_SIZES];
  const parsed = parseProfilesListState(url.searchParams);
  if (!parsed.ok) {
    // The form starts over from the defaults.
    const state: ProfilesListState = {
      search: '',
      sort: DEFAULT_SORT,
      size: DEFAULT_PAGE_SIZE,
      cursor: null,
      back: [],
      page: 1,
    };
    return { state, sizes, problem: parsed.problem, rows: [], links: profilesListLinks(state, null) };
  }
  const state = parsed.value;
  const page = await loadProfilesListPage(dashboardContext().warehouse, brand.brand_id, {
    sort: state.sort,
    limit: state.size,
    cursor: state.cursor,
    search: state.search,
    country: brand.settings.default_country,
  });
  if (!page.ok) {
    const restart = { ...state, cursor: null, back: [], page: 1 };
    return {
      state: restart,
      sizes,
      problem: `This page's link does not fit the list (${page.problem}). Start again from the first page.`,
      rows: [],
      links: { ...profilesListLinks(restart, null), first: profilesListLinks(state, null).first },
    };
  }
  return {
    state,
    sizes,
    problem: null,
    rows: page.value.rows,
    links: profilesListLinks(state, page.value.next),
  };
};
