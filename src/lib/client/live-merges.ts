// The brand's merge log, kept live by merge_id, newest first: the records of
// the chosen actions only (all when none is chosen).
import type { MergeAction, MergeRecord } from '$lib/shared/model';
import { LiveCollection } from './live-collection';
import type { LiveConnection } from './live-connection';
import { readApi } from './read-api';

export class LiveMerges {
  #merges: LiveCollection<'merge', MergeRecord>;
  #limit: number;

  constructor(deps: {
    connection: LiveConnection;
    initial: MergeRecord[];
    limit: number;
    actions: readonly MergeAction[] | undefined;
  }) {
    this.#limit = deps.limit;
    const wanted = (record: MergeRecord) => !deps.actions || deps.actions.includes(record.action);
    this.#merges = new LiveCollection({
      connection: deps.connection,
      event: 'merge',
      initial: deps.initial,
      key: (record) => record.merge_id,
      snapshot: () => readApi.merges(deps.limit, deps.actions),
      // A record of another action is not this view's: removing what is not there changes nothing.
      delta: (record) => (wanted(record) ? { upsert: record } : { remove: record.merge_id }),
    });
  }

  get merges(): MergeRecord[] {
    return this.#merges.rows
      .sort((a, b) => b.at.localeCompare(a.at) || b.merge_id.localeCompare(a.merge_id))
      .slice(0, this.#limit);
  }
}
