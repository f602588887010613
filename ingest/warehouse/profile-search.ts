// The Profiles list's identifier search, once for both back-ends: the identifiers a search names
// (profilesSearchLinks), the parts linked to exactly those (type, value) pairs, then each part's
// survivor. A back-end supplies only its two reads.
import { profilesSearchLinks } from './types';

export interface SearchLink {
  type: string;
  value: string;
  profile_id: string;
}

export interface SearchReads {
  /** The brand's identity links whose value is one of `values` (any type). */
  linksByValues: (values: string[]) => Promise<SearchLink[]>;
  /** The survivor a part was merged into (itself when it was not), or null when it is gone. */
  survivorOf: (profileId: string) => Promise<{ profile_id: string } | null>;
}

/** Survivors of the profiles an identifier search (and its reading as a phone) names, each once. */
export async function searchedSurvivors(
  search: string,
  reads: SearchReads,
  phone: string | null = null,
): Promise<string[]> {
  const pairs = profilesSearchLinks(search, phone);
  const links = await reads.linksByValues([...new Set(pairs.map((pair) => pair.value))]);
  const wanted = new Set(pairs.map((pair) => `${pair.type}\u0000${pair.value}`));
  const linked = links
    .filter((link) => wanted.has(`${link.type}\u0000${link.value}`))
    .map((link) => link.profile_id);
  const survivors = await Promise.all([...new Set(linked)].map((id) => reads.survivorOf(id)));
  return [...new Set(survivors.flatMap((survivor) => (survivor ? [survivor.profile_id] : [])))];
}
