// A member's assignment, generation by generation. kafkajs tells us a
// generation's partitions (GROUP_JOIN) and then fetches from the group's
// committed offsets; we position every partition ourselves before any of its
// messages is delivered. A partition kept from the previous generation goes on
// from where this member is (its last commit may have failed: it is committed
// again); one gained is announced (onAssigned) and resumes where resumeFrom
// says (the processor answers from the warehouse checkpoint, so state and
// offsets agree). A partition "kept" whose committed offset is ahead of this
// member was processed by another member meanwhile: it counts as revoked and
// gained again.
import type { Admin, Consumer } from 'kafkajs';
import type { Logger } from '../../log';
import type { SubscribeOptions } from '../types';
import { startPosition } from './positions';

export interface AssignmentDeps {
  consumer: Consumer;
  admin: () => Promise<Admin>;
  brokerTopic: string;
  options: SubscribeOptions;
  /** Next offset to deliver per owned, positioned partition: shared with the batch loop. */
  positions: Map<number, number>;
  retrying: <T>(step: () => Promise<T>) => Promise<T>;
  logger?: Logger;
}

export function createAssigner(deps: AssignmentDeps) {
  const { brokerTopic, positions } = deps;

  async function committedOffsets(): Promise<Map<number, number>> {
    const admin = await deps.admin();
    const [entry] = await admin.fetchOffsets({ groupId: deps.options.group, topics: [brokerTopic] });
    const committed = new Map<number, number>();
    for (const { partition, offset } of entry?.partitions ?? []) {
      if (Number(offset) >= 0) committed.set(partition, Number(offset));
    }
    return committed;
  }

  async function gainedPositions(gained: number[], committed: Map<number, number>) {
    const asked = new Map<number, number | 'latest' | undefined>();
    for (const partition of gained) asked.set(partition, await deps.options.resumeFrom?.(partition));
    // Read after resumeFrom answered, so 'latest' is the end as of positioning.
    const admin = await deps.admin();
    const watermarks = await admin.fetchTopicOffsets(brokerTopic);
    const result = new Map<number, number>();
    for (const partition of gained) {
      const marks = watermarks.find((w) => w.partition === partition);
      if (!marks) throw new Error(`${brokerTopic} has no partition ${partition}`);
      result.set(
        partition,
        startPosition(
          asked.get(partition),
          { low: Number(marks.low), high: Number(marks.high) },
          committed.get(partition),
        ),
      );
    }
    return result;
  }

  /**
   * Takes a generation's assignment: announces what was revoked and gained,
   * positions every partition, and points kafkajs's next fetch there.
   * `sameMember`: this member is the one that held the previous assignment.
   */
  return async function applyAssignment(assigned: number[], sameMember: boolean): Promise<void> {
    const committed = await deps.retrying(committedOffsets);
    const kept = assigned.filter((partition) => {
      const position = positions.get(partition);
      return sameMember && position !== undefined && (committed.get(partition) ?? 0) <= position;
    });
    const revoked = [...positions.keys()].filter((partition) => !kept.includes(partition));
    for (const partition of revoked) positions.delete(partition);
    if (revoked.length > 0 && deps.options.onRevoked) {
      const onRevoked = deps.options.onRevoked;
      await deps.retrying(() => onRevoked(revoked));
    }
    const gained = assigned.filter((partition) => !kept.includes(partition));
    if (gained.length > 0 && deps.options.onAssigned) {
      const onAssigned = deps.options.onAssigned;
      await deps.retrying(() => onAssigned(gained));
    }
    const starts = await deps.retrying(() => gainedPositions(gained, committed));
    for (const [partition, offset] of starts) positions.set(partition, offset);

    // A kept partition whose last commit failed: commit where this member is.
    const behind = kept.filter((partition) => (committed.get(partition) ?? -1) < positions.get(partition)!);
    if (behind.length > 0) {
      await deps.retrying(() =>
        deps.consumer.commitOffsets(
          behind.map((partition) => ({
            topic: brokerTopic,
            partition,
            offset: String(positions.get(partition)),
          })),
        ),
      );
    }
    // The new generation fetches from committed offsets: point every partition at our position.
    for (const partition of assigned) {
      deps.consumer.seek({ topic: brokerTopic, partition, offset: String(positions.get(partition)) });
    }
    deps.logger?.debug('kafka bus: partitions positioned', {
      topic: brokerTopic,
      group: deps.options.group,
      kept: kept.join(','),
      gained: gained.join(','),
      revoked: revoked.join(','),
    });
  };
}
