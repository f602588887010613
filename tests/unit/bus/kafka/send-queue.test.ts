import { describe, expect, it } from 'vitest';
import { createSendQueue } from '../../../../ingest/bus/kafka/send-queue';

/** A send that holds each request until the test lets it go, and records what each carried. */
function heldSends() {
  const requests: string[][] = [];
  const releases: ((error?: Error) => void)[] = [];
  const send = (items: string[]) =>
    new Promise<void>((resolve, reject) => {
      requests.push(items);
      releases.push((error) => (error ? reject(error) : resolve()));
    });
  const release = async (error?: Error) => {
    releases.shift()!(error);
    // Let the queue take its next request.
    await new Promise((done) => setImmediate(done));
  };
  return { requests, send, release };
}

const settle = () => new Promise((done) => setImmediate(done));

describe('createSendQueue', () => {
  it('sends the first item at once and everything queued meanwhile together, in order', async () => {
    const { requests, send, release } = heldSends();
    const queue = createSendQueue({ send, bytes: (item: string) => item.length, maxBytes: 100 });
    const sent = ['a', 'b', 'c', 'd'].map((item) => queue.push([item]).done);
    await settle();
    expect(requests).toEqual([['a']]);
    await release();
    expect(requests).toEqual([['a'], ['b', 'c', 'd']]);
    await release();
    await Promise.all(sent);
  });

  it('keeps a request within maxBytes, but never leaves an oversized item behind', async () => {
    const { requests, send, release } = heldSends();
    const queue = createSendQueue({ send, bytes: (item: string) => item.length, maxBytes: 4 });
    const sent = ['first', 'aa', 'bb', 'cc', 'huge-item', 'd'].map((item) => queue.push([item]).done);
    await settle();
    for (let i = 0; i < 5; i++) await release();
    await Promise.all(sent);
    expect(requests).toEqual([['first'], ['aa', 'bb'], ['cc'], ['huge-item'], ['d']]);
  });

  it('fails exactly the items of a failed request; later ones are still sent', async () => {
    const { requests, send, release } = heldSends();
    const queue = createSendQueue({ send, bytes: () => 1, maxBytes: 10 });
    const first = queue.push(['a']).done;
    const second = queue.push(['b']).done;
    const third = queue.push(['c']).done;
    await settle();
    await release();
    await first;
    const failed = Promise.all([
      expect(second).rejects.toThrow('broker gone'),
      expect(third).rejects.toThrow('broker gone'),
    ]);
    await release(new Error('broker gone'));
    await failed;
    const fourth = queue.push(['d']).done;
    await settle();
    await release();
    await fourth;
    expect(requests).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('does not send an item withdrawn before its turn', async () => {
    const { requests, send, release } = heldSends();
    const queue = createSendQueue({ send, bytes: () => 1, maxBytes: 10 });
    const first = queue.push(['a']);
    const gaveUp = queue.push(['b']);
    const kept = queue.push(['c']);
    await settle();
    gaveUp.withdraw();
    await release();
    await release();
    await Promise.all([first.done, kept.done]);
    expect(requests).toEqual([['a'], ['c']]);
  });

  it('sends the items of one push in order, interleaving with no later push', async () => {
    const { requests, send, release } = heldSends();
    const queue = createSendQueue({ send, bytes: (item: string) => item.length, maxBytes: 4 });
    const first = queue.push(['x']).done;
    const split = queue.push(['big1', 'big2', 'big3']).done;
    const after = queue.push(['y']).done;
    await settle();
    for (let i = 0; i < 5; i++) await release();
    await Promise.all([first, split, after]);
    expect(requests).toEqual([['x'], ['big1'], ['big2'], ['big3'], ['y']]);
  });

  it('stops sending a push once one of its items failed, and fails it once', async () => {
    const { requests, send, release } = heldSends();
    const queue = createSendQueue({ send, bytes: (item: string) => item.length, maxBytes: 4 });
    const split = queue.push(['big1', 'big2', 'big3']).done;
    const other = queue.push(['z']).done;
    const failed = expect(split).rejects.toThrow('leader moved');
    await settle();
    await release();
    await release(new Error('leader moved'));
    await failed;
    await release();
    await other;
    expect(requests).toEqual([['big1'], ['big2'], ['z']]);
  });

  it('resolves an empty push at once, sending nothing', async () => {
    const { requests, send } = heldSends();
    const queue = createSendQueue({ send, bytes: () => 1, maxBytes: 4 });
    await queue.push([]).done;
    expect(requests).toEqual([]);
  });
});
