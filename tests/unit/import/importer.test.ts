// The importer over the REAL in-process bus (its file log in a temp folder)
// and real files: uploads refused for what they are, a run to the end, the
// same file again, a crash between publishing and checkpointing, and tenancy.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInProcessBus } from '../../../ingest/bus/in-process';
import type { Bus } from '../../../ingest/bus/types';
import {
  createImporter,
  ImportRequestError,
  type Importer,
  type ImporterDeps,
} from '../../../ingest/import/importer';
import type { AdSpend } from '../../../src/lib/shared/campaigns';
import type { InboundEvent } from '../../../src/lib/shared/events';
import type { ImportJob, ImportKind } from '../../../src/lib/shared/imports';
import { readEnvelopes } from '../../support/bus-reader';
import { tempDir } from '../processor/harness';

const NOW = new Date('2026-01-15T12:00:00Z');
let dir: string;
let bus: Bus;
let importers: Importer[];

beforeEach(async () => {
  dir = await tempDir('importer-');
  bus = createInProcessBus({ dir: join(dir, 'bus') });
  importers = [];
});
afterEach(async () => {
  for (const importer of importers) await importer.close();
  await bus.close();
  await rm(dir, { recursive: true, force: true });
});

function importer(overrides: Partial<ImporterDeps> = {}): Importer {
  const made = createImporter({
    bus,
    root: join(dir, 'imports'),
    pending: async () => 0,
    clock: () => NOW,
    pollMs: 5,
    ...overrides,
  });
  importers.push(made);
  return made;
}

const body = (text: string | Buffer) => Readable.from([Buffer.from(text)]);

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportRequestError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

async function events(): Promise<InboundEvent[]> {
  return (await readEnvelopes(bus)).flatMap(({ envelope }) =>
    envelope.kind === 'event' ? [envelope.event] : [],
  );
}

/** `n` one-line orders, every `badEvery`-th with a date that reads two ways. */
function ordersFile(n: number, badEvery = 0): string {
  const lines = ['order_id,occurred_at,email,total'];
  for (let i = 1; i <= n; i++) {
    const date = badEvery > 0 && i % badEvery === 0 ? '01/02/2025' : '2025-02-01';
    lines.push(`o-${i},${date},buyer${i % 7}@example.com,${i}.50`);
  }
  return lines.join('\n') + '\n';
}

async function runToEnd(
  importer: Importer,
  brandId: string,
  csv: string,
  kind: ImportKind = 'orders',
): Promise<ImportJob> {
  const preview = await importer.upload({
    brandId,
    kind,
    fileName: `${kind}.csv`,
    body: body(csv),
    createdBy: 'test',
  });
  await importer.start(brandId, preview.job.import_id, preview.suggested_mapping);
  await importer.settled(brandId, preview.job.import_id);
  return (await importer.get(brandId, preview.job.import_id))!;
}

describe('upload', () => {
  it('stores the file, finds its separator and suggests a mapping', async () => {
    const csv = '\uFEFFOrder Number;Created At;E-mail;Total;Notes\n1001;2025-03-01;a@x.com;"1,5";"a;b"\n';
    const preview = await importer().upload({
      brandId: 'acme',
      kind: 'orders',
      fileName: '../../etc/orders.csv',
      body: body(csv),
      createdBy: 'ann',
    });
    expect(preview.job).toMatchObject({
      kind: 'orders',
      file_name: 'orders.csv',
      delimiter: ';',
      headers: ['Order Number', 'Created At', 'E-mail', 'Total', 'Notes'],
      status: 'uploaded',
      bytes: Buffer.byteLength(csv),
      created_by: 'ann',
    });
    expect(preview.job.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(preview.rows).toEqual([['1001', '2025-03-01', 'a@x.com', '1,5', 'a;b']]);
    expect(preview.suggested_mapping).toEqual({
      order_id: 'Order Number',
      occurred_at: 'Created At',
      email: 'E-mail',
      total: 'Total',
    });
  });

  it.each([
    ['', 'invalid_csv', 'the file is empty'],
    ['a,,c\n1,2,3\n', 'invalid_csv', 'column 2 of the header has no name'],
    ['a,b,a\n1,2,3\n', 'invalid_csv', 'two columns are named "a"'],
    [
      'a,b\n1,"never closed\n2,3\n',
      'invalid_csv',
      'a quote is never closed: the file ends inside a quoted cell at line 3',
    ],
    ['a,b\n1,"x"y\n', 'invalid_csv', 'text after its closing quote'],
  ])('refuses %j: %s', async (csv, code, message) => {
    const imports = importer();
    const refused = await refusal(
      imports.upload({ brandId: 'acme', kind: 'orders', fileName: 'f.csv', body: body(csv), createdBy: 't' }),
    );
    expect(refused).toEqual({ code, message: expect.stringContaining(message) });
    expect(await imports.list('acme')).toEqual([]); // nothing half-stored
  });

  it('refuses a header that is not UTF-8, a kind it does not know and a file over the limit', async () => {
    const imports = importer({ maxBytes: 1000 });
    const latin1 = Buffer.concat([
      Buffer.from('Pr'),
      Buffer.from([0xe9]),
      Buffer.from('nom,email\nA,a@x.com\n'),
    ]);
    expect(
      await refusal(
        imports.upload({
          brandId: 'acme',
          kind: 'customers',
          fileName: 'f.csv',
          body: body(latin1),
          createdBy: 't',
        }),
      ),
    ).toEqual({
      code: 'invalid_csv',
      message: 'the header is not UTF-8 text: save the file as CSV UTF-8',
    });
    expect(
      (
        await refusal(
          imports.upload({
            brandId: 'acme',
            kind: 'invoices',
            fileName: 'f.csv',
            body: body('a\n'),
            createdBy: 't',
          }),
        )
      ).code,
    ).toBe('invalid_request');
    const big = Readable.from(
      (function* () {
        for (let i = 0; i < 100; i++) yield Buffer.from('x'.repeat(100));
      })(),
    );
    expect(
      await refusal(
        imports.upload({ brandId: 'acme', kind: 'orders', fileName: 'f.csv', body: big, createdBy: 't' }),
      ),
    ).toEqual({
      code: 'file_too_large',
      message: 'the file is larger than 1000 bytes',
    });
    expect(await imports.list('acme')).toEqual([]);
  });

  it('a row larger than a megabyte is refused at upload, or stops the run, naming its line', async () => {
    const imports = importer();
    const huge = `"${'x'.repeat(1_100_000)}`;
    const early = `order_id,occurred_at,total\no-1,2025-01-01,1\no-2,2025-01-01,${huge}\n`;
    expect(
      await refusal(
        imports.upload({
          brandId: 'acme',
          kind: 'orders',
          fileName: 'f.csv',
          body: body(early),
          createdBy: 't',
        }),
      ),
    ).toEqual({
      code: 'invalid_csv',
      message: 'a row at line 3 is larger than 1024 KB: is a quote left open?',
    });
    // Past the preview, the run finds it: what came before is imported, the job says where it stopped.
    const late = ordersFile(30) + `o-31,2025-01-01,${huge}\n`;
    const job = await runToEnd(imports, 'acme', late);
    expect(job).toMatchObject({
      status: 'failed',
      message: 'a row at line 32 is larger than 1024 KB: is a quote left open?',
    });
    // o-30 was still open (its next row might have been another line of it): not imported.
    expect(job).toMatchObject({ rows_read: 30, events_published: 29, rows_rejected: 0 });
    expect(await events()).toHaveLength(29);
  });
});

describe('start', () => {
  it('refuses a mapping with unknown fields, missing columns or without required fields', async () => {
    const imports = importer();
    const { job } = await imports.upload({
      brandId: 'acme',
      kind: 'orders',
      fileName: 'f.csv',
      body: body(ordersFile(2)),
      createdBy: 't',
    });
    expect(
      await refusal(imports.start('acme', job.import_id, { order_id: 'nope', colour: 'email' })),
    ).toEqual({
      code: 'invalid_mapping',
      message:
        'order_id: the file has no column "nope"; "colour" is not a field of orders imports; occurred_at (When) needs a column',
    });
    expect((await refusal(imports.start('acme', 'not-an-id', {}))).code).toBe('not_found');
  });
});

describe('a run', () => {
  it('publishes one event per good row, reports each bad row once with the row as read, and counts exactly', async () => {
    const imports = importer({ batchSize: 7 });
    const job = await runToEnd(imports, 'acme', ordersFile(50, 10));
    expect(job).toMatchObject({
      status: 'done',
      rows_read: 50,
      rows_imported: 45,
      events_published: 45,
      rows_rejected: 5,
    });
    expect(job.message).toBe('5 rows were not imported; the error report lists each with its reason');
    expect(job.bytes_read).toBe(job.bytes);
    const published = await events();
    expect(published).toHaveLength(45);
    expect(new Set(published.map((e) => e.source_event_id)).size).toBe(45);
    expect(published.every((e) => e.brand_id === 'acme' && e.source === 'csv')).toBe(true);
    const report = await readFile((await imports.errorReport('acme', job.import_id))!, 'utf8');
    expect(report.trim().split('\n')).toEqual([
      'row,column,value,error,order_id,occurred_at,email,total',
      ...[10, 20, 30, 40, 50].map(
        (i) =>
          `${i + 1},occurred_at,01/02/2025,"""01/02/2025"" could be day/month or month/day; write dates as YYYY-MM-DD",o-${i},01/02/2025,buyer${i % 7}@example.com,${i}.50`,
      ),
    ]);
  });

  it('reports a row with too few or too many cells and goes on', async () => {
    const job = await runToEnd(
      importer(),
      'acme',
      'order_id,occurred_at,total\no-1,2025-01-01\no-2,2025-01-01,5,extra\no-3,2025-01-01,7\n',
    );
    expect(job).toMatchObject({ status: 'done', rows_read: 3, rows_imported: 1, rows_rejected: 2 });
  });

  it('adds nothing when the same file is imported again with the same mapping, however much later', async () => {
    const imports = importer();
    const first = await runToEnd(imports, 'acme', ordersFile(20));
    const again = await runToEnd(imports, 'acme', ordersFile(20));
    expect(again).toMatchObject({ status: 'skipped', duplicate_of: first.import_id, events_published: 0 });
    expect(again.message).toContain(first.import_id);
    expect(await events()).toHaveLength(20);
    // Another brand importing the very same file is its own import.
    expect(await runToEnd(imports, 'globex', ordersFile(20))).toMatchObject({
      status: 'done',
      events_published: 20,
    });
  });

  it('runs a file once when two starts race, for one job or for two uploads of it', async () => {
    const imports = importer();
    const mapping = { order_id: 'order_id', occurred_at: 'occurred_at', total: 'total' };
    const upload = () =>
      imports.upload({
        brandId: 'acme',
        kind: 'orders',
        fileName: 'f.csv',
        body: body(ordersFile(30)),
        createdBy: 't',
      });
    const one = await upload();
    const two = await upload();
    const outcomes = await Promise.allSettled([
      imports.start('acme', one.job.import_id, mapping),
      imports.start('acme', one.job.import_id, mapping),
      imports.start('acme', two.job.import_id, mapping),
    ]);
    expect(
      outcomes.map((o) =>
        o.status === 'fulfilled' ? o.value.status : (o.reason as ImportRequestError).code,
      ),
    ).toEqual(['running', 'conflict', 'skipped']);
    await imports.settled('acme', one.job.import_id);
    expect(await events()).toHaveLength(30);
  });

  it('keeps an import ahead of the processor by at most maxAhead events', async () => {
    let published = 0;
    let allowed = 0;
    const counting: Bus = {
      ...bus,
      publish: async (topic, messages) => {
        if (topic === 'events.raw') published += messages.length;
        return bus.publish(topic, messages);
      },
    };
    const imports = importer({
      bus: counting,
      batchSize: 10,
      maxAhead: 20,
      pending: async () => published - allowed,
    });
    const { job } = await imports.upload({
      brandId: 'acme',
      kind: 'orders',
      fileName: 'f.csv',
      body: body(ordersFile(100)),
      createdBy: 't',
    });
    await imports.start('acme', job.import_id, {
      order_id: 'order_id',
      occurred_at: 'occurred_at',
      total: 'total',
    });
    await new Promise((done) => setTimeout(done, 100));
    expect(published).toBe(30); // 20 pending is not more than 20: one more batch went
    allowed = 100; // the processor caught up
    await imports.settled('acme', job.import_id);
    expect(published).toBe(100);
  });

  it('resumes after a crash between publishing a batch and saving its checkpoint, and publishes nothing new twice', async () => {
    // The first process "dies" inside its 4th publish: the batch reaches the bus, the checkpoint never comes.
    let publishes = 0;
    const dying: Bus = {
      ...bus,
      publish: async (topic, messages) => {
        if (topic === 'events.raw' && ++publishes === 4) {
          await bus.publish(topic, messages);
          return new Promise<void>(() => {});
        }
        return bus.publish(topic, messages);
      },
    };
    const first = createImporter({
      bus: dying,
      root: join(dir, 'imports'),
      pending: async () => 0,
      clock: () => NOW,
      batchSize: 10,
    });
    const csv = ordersFile(95, 9);
    const { job } = await first.upload({
      brandId: 'acme',
      kind: 'orders',
      fileName: 'f.csv',
      body: body(csv),
      createdBy: 't',
    });
    await first.start('acme', job.import_id, {
      order_id: 'order_id',
      occurred_at: 'occurred_at',
      email: 'email',
      total: 'total',
    });
    await new Promise((done) => setTimeout(done, 100));
    expect(publishes).toBe(4);
    const stuck = await first.get('acme', job.import_id);
    expect(stuck?.status).toBe('running');

    // The next process resumes it from its last checkpoint.
    const second = importer();
    await second.resume();
    await second.settled('acme', job.import_id);
    const done = (await second.get('acme', job.import_id))!;
    const reference = await runToEnd(
      createImporter({
        bus: createInProcessBus(),
        root: join(dir, 'reference'),
        pending: async () => 0,
        clock: () => NOW,
      }),
      'acme',
      csv,
    );
    expect(done).toMatchObject({
      status: 'done',
      rows_read: reference.rows_read,
      rows_imported: reference.rows_imported,
      events_published: reference.events_published,
      rows_rejected: reference.rows_rejected,
    });
    // The 4th batch went out twice with the same source ids (the processor drops the repeat); nothing else did.
    const ids = (await events()).map((e) => e.source_event_id);
    expect(new Set(ids).size).toBe(reference.events_published);
    expect(ids.length - new Set(ids).size).toBeLessThanOrEqual(10);
    const report = await readFile((await second.errorReport('acme', job.import_id))!, 'utf8');
    const referenceReport = await readFile(
      join(dir, 'reference', 'acme', reference.import_id, 'errors.csv'),
      'utf8',
    );
    expect(report).toBe(referenceReport);
  });

  it('cancels: an upload is dropped, a running import stops keeping what it published, a finished one refuses', async () => {
    let allowed = 20;
    let published = 0;
    const counting: Bus = {
      ...bus,
      publish: async (topic, messages) => {
        if (topic === 'events.raw') published += messages.length;
        return bus.publish(topic, messages);
      },
    };
    // The processor stops 10 events behind the 30 published: the import waits with its next batch in hand.
    const imports = importer({
      bus: counting,
      batchSize: 10,
      maxAhead: 0,
      pending: async () => Math.max(0, published - allowed),
    });
    const mapping = { order_id: 'order_id', occurred_at: 'occurred_at', total: 'total' };

    const unstarted = await imports.upload({
      brandId: 'acme',
      kind: 'orders',
      fileName: 'f.csv',
      body: body(ordersFile(5)),
      createdBy: 't',
    });
    expect(await imports.cancel('acme', unstarted.job.import_id, 'ann')).toMatchObject({
      status: 'cancelled',
      message: 'cancelled by ann before it started',
    });
    expect((await refusal(imports.start('acme', unstarted.job.import_id, mapping))).code).toBe('conflict');

    const { job } = await imports.upload({
      brandId: 'acme',
      kind: 'orders',
      fileName: 'f.csv',
      body: body(ordersFile(100, 7)),
      createdBy: 't',
    });
    await imports.start('acme', job.import_id, mapping);
    await new Promise((done) => setTimeout(done, 100));
    expect(published).toBe(30);
    const stopped = await imports.cancel('acme', job.import_id, 'ann');
    expect(stopped).toMatchObject({
      status: 'cancelled',
      events_published: 30,
      message: `cancelled by ann; the ${stopped.rows_imported} rows imported before stay imported`,
    });
    expect(stopped.rows_imported).toBe(30);
    expect(stopped.rows_read).toBe(30 + stopped.rows_rejected);
    expect(await events()).toHaveLength(30);
    // The report holds exactly the refused rows the counters speak of.
    const report = await readFile((await imports.errorReport('acme', job.import_id))!, 'utf8');
    expect(report.trim().split('\n')).toHaveLength(1 + stopped.rows_rejected);
    allowed = 1000;
    await new Promise((done) => setTimeout(done, 50));
    expect(published).toBe(30); // it stays stopped, and is not resumed by a restart
    await importer().resume();
    await new Promise((done) => setTimeout(done, 50));
    expect(published).toBe(30);
    expect((await refusal(imports.cancel('acme', job.import_id, 'ann'))).code).toBe('conflict');
    // A cancelled file may be imported again: it is not "the same file already imported".
    expect(await runToEnd(imports, 'acme', ordersFile(100, 7))).toMatchObject({ status: 'done' });
  });

  it('does not show one brand the imports of another', async () => {
    const imports = importer();
    const job = await runToEnd(imports, 'acme', ordersFile(12, 4));
    expect(await imports.list('globex')).toEqual([]);
    expect(await imports.get('globex', job.import_id)).toBeUndefined();
    expect(await imports.preview('globex', job.import_id)).toBeUndefined();
    expect(await imports.errorReport('globex', job.import_id)).toBeUndefined();
    expect((await refusal(imports.start('globex', job.import_id, {}))).code).toBe('not_found');
    expect((await refusal(imports.cancel('globex', job.import_id, 'mallory'))).code).toBe('not_found');
    expect((await imports.list('acme')).map((j) => j.import_id)).toEqual([job.import_id]);
  });
});

describe('the stored job', () => {
  it('survives a process: another importer on the same folder lists it', async () => {
    const job = await runToEnd(importer(), 'acme', ordersFile(3));
    const later = importer();
    expect(await later.get('acme', job.import_id)).toEqual(job);
    await writeFile(join(dir, 'imports', 'acme', 'junk.txt'), 'not an import');
    expect(await later.list('acme')).toEqual([job]);
  });
});

describe('a spend file', () => {
  async function spendRows(): Promise<AdSpend[]> {
    return (await readEnvelopes(bus)).flatMap(({ envelope }) =>
      envelope.kind === 'spend' ? [envelope.spend] : [],
    );
  }

  /** A Google Ads export: `n` days of two campaigns, every `badEvery`-th row on a channel no one knows. */
  function spendFile(n: number, options: { badEvery?: number; cost?: number } = {}): string {
    const lines = ['Campaign,Campaign ID,Network,Day,Impr.,Clicks,Cost,Currency code'];
    for (let i = 1; i <= n; i++) {
      const day = new Date(Date.UTC(2026, 0, 14) - Math.floor((i - 1) / 2) * 86_400_000)
        .toISOString()
        .slice(0, 10);
      const id = i % 2 === 0 ? 'g-brand' : 'g-generic';
      const network = options.badEvery && i % options.badEvery === 0 ? 'Bing' : 'Google Ads';
      lines.push(
        `Brand ${id},${id},${network},${day},"1,${String(i).padStart(3, '0')}",${i},${options.cost ?? i}.25,INR`,
      );
    }
    return lines.join('\n') + '\n';
  }

  it('publishes one spend envelope per good row, keyed by the brand, and reports the rest', async () => {
    const imports = importer({ batchSize: 4 });
    const job = await runToEnd(imports, 'acme', spendFile(20, { badEvery: 7 }), 'spend');
    expect(job).toMatchObject({
      kind: 'spend',
      status: 'done',
      rows_read: 20,
      rows_imported: 18,
      events_published: 18,
      rows_rejected: 2,
    });
    const read = await readEnvelopes(bus);
    expect(new Set(read.map(({ key }) => key))).toEqual(new Set(['acme']));
    expect(await events()).toEqual([]);
    const rows = await spendRows();
    expect(rows).toHaveLength(18);
    expect(rows[0]).toEqual({
      brand_id: 'acme',
      campaign_id: 'g-generic',
      campaign_name: 'Brand g-generic',
      channel: 'google_ads',
      period: 'day',
      period_start: '2026-01-14T00:00:00.000Z',
      impressions: 1001,
      clicks: 1,
      cost: 1.25,
      currency: 'INR',
      source: 'csv',
      received_at: NOW.toISOString(),
    });
    const report = await readFile((await imports.errorReport('acme', job.import_id))!, 'utf8');
    expect(
      report
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',').slice(0, 3).join(',')),
    ).toEqual(['8,Network,Bing', '15,Network,Bing']);
  });

  it('adds nothing when imported again; a restated file publishes its figures to replace the old', async () => {
    const imports = importer();
    const first = await runToEnd(imports, 'acme', spendFile(6), 'spend');
    expect(await runToEnd(imports, 'acme', spendFile(6), 'spend')).toMatchObject({
      status: 'skipped',
      duplicate_of: first.import_id,
    });
    expect(await spendRows()).toHaveLength(6);
    const restated = await runToEnd(imports, 'acme', spendFile(6, { cost: 99 }), 'spend');
    expect(restated).toMatchObject({ status: 'done', events_published: 6 });
    const rows = await spendRows();
    // Same keys again, in file order after the first: the processor keeps the later one.
    const key = (row: AdSpend) => `${row.campaign_id} ${row.period_start}`;
    expect(rows.slice(6).map(key)).toEqual(rows.slice(0, 6).map(key));
    expect(rows.slice(6).every((row) => row.cost === 99.25)).toBe(true);
  });

  it('resumes after a crash and refuses the same duplicate rows as a run that never stopped', async () => {
    // Rows 2-11 are 10 distinct keys; rows 12-21 repeat them (one file pasted twice).
    const once = spendFile(10).trim().split('\n');
    const csv = [...once, ...once.slice(1)].join('\n') + '\n';
    let publishes = 0;
    const dying: Bus = {
      ...bus,
      publish: async (topic, messages) => {
        if (topic === 'events.raw' && ++publishes === 2) {
          await bus.publish(topic, messages);
          return new Promise<void>(() => {});
        }
        return bus.publish(topic, messages);
      },
    };
    const first = createImporter({
      bus: dying,
      root: join(dir, 'imports'),
      pending: async () => 0,
      clock: () => NOW,
      batchSize: 4,
    });
    const { job, suggested_mapping } = await first.upload({
      brandId: 'acme',
      kind: 'spend',
      fileName: 'spend.csv',
      body: body(csv),
      createdBy: 't',
    });
    await first.start('acme', job.import_id, suggested_mapping);
    await new Promise((done) => setTimeout(done, 100));
    expect(publishes).toBe(2);

    const second = importer();
    await second.resume();
    await second.settled('acme', job.import_id);
    expect(await second.get('acme', job.import_id)).toMatchObject({
      status: 'done',
      rows_read: 20,
      rows_imported: 10,
      events_published: 10,
      rows_rejected: 10,
    });
    // The second batch went out twice (same keys: replaced by itself); nothing else did.
    const keys = (await spendRows()).map((row) => `${row.campaign_id} ${row.period_start}`);
    expect(new Set(keys).size).toBe(10);
    expect(keys.length - 10).toBeLessThanOrEqual(4);
  });
});
