// Tells a page when identity resolution or an operator changes which profiles
// are one: a merge or unmerge record, live, that names one of the page's
// profiles. The profile page reloads its data then, so an unmerge shows as
// soon as the processor applied it.
import type { MergeRecord } from '$lib/shared/model';
import type { LiveConnection } from './live-connection';

/** Starts listening (browser only); returns the function that stops. */
export function onIdentityChange(
  connection: LiveConnection,
  profileIds: () => readonly string[],
  changed: (record: MergeRecord) => void,
): () => void {
  const socket = connection.acquire();
  const listener = (record: MergeRecord) => {
    if (record.action !== 'merge' && record.action !== 'unmerge') return;
    const ids = new Set(profileIds());
    if (ids.has(record.into_profile_id) || record.from_profile_ids.some((id) => ids.has(id))) changed(record);
  };
  socket.on('merge', listener);
  return () => {
    socket.off('merge', listener);
    connection.release();
  };
}
