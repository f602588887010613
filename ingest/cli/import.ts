// `npm run import -- --kind orders orders.csv`: imports a large CSV file into a
// running Signalroom through /api/v1/imports, streaming it from disk. Prints
// the preview and the mapping used, follows the progress, and saves the error
// report beside the file. The server and key come from SIGNALROOM_URL and
// SIGNALROOM_WRITE_KEY (or --url / --write-key; a key in the environment stays
// out of the process list).
import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  IMPORT_FIELDS,
  IMPORT_KINDS,
  mappingProblems,
  type ImportJob,
  type ImportMapping,
  type ImportPreview,
} from '../../src/lib/shared/imports';

const USAGE = `usage: npm run import -- --kind ${IMPORT_KINDS.join('|')} [--map field=Column ...] [--dry-run] FILE.csv

  --kind      what each row is: ${IMPORT_KINDS.join(', ')}
  --map       field=Column, overriding the mapping suggested from the headers (repeatable)
  --dry-run   upload and show the preview and mapping, but do not start
  --url       the server (default $SIGNALROOM_URL, else http://localhost:3000)
  --write-key the brand's write key (default $SIGNALROOM_WRITE_KEY)`;

const options = z.object({
  kind: z.enum(IMPORT_KINDS, { error: `--kind must be one of ${IMPORT_KINDS.join(', ')}` }),
  url: z.url({ error: '--url must be a URL such as http://localhost:3000' }),
  writeKey: z.string({ error: 'a write key is needed: set SIGNALROOM_WRITE_KEY or pass --write-key' }).min(1),
  file: z.string({ error: 'name the CSV file to import' }),
  map: z.array(
    z.string().regex(/^[a-z_]+=.+$/, { error: '--map takes field=Column, e.g. --map email="E-mail"' }),
  ),
  dryRun: z.boolean(),
});

class Refused extends Error {}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      kind: { type: 'string' },
      map: { type: 'string', multiple: true },
      url: { type: 'string' },
      'write-key': { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const parsed = options.safeParse({
    kind: values.kind,
    url: values.url ?? env['SIGNALROOM_URL'] ?? 'http://localhost:3000',
    writeKey: values['write-key'] ?? env['SIGNALROOM_WRITE_KEY'],
    file: positionals[0],
    map: values.map ?? [],
    dryRun: values['dry-run'] ?? false,
  });
  if (!parsed.success) {
    console.error(`${parsed.error.issues.map((issue) => issue.message).join('\n')}\n\n${USAGE}`);
    return 2;
  }
  const { kind, url, writeKey, file, map, dryRun } = parsed.data;
  const base = url.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

  const call = async <T>(path: string, init: RequestInit & { duplex?: 'half' } = {}): Promise<T> => {
    const response = await fetch(`${base}/api/v1/imports${path}`, {
      ...init,
      headers: { authorization, ...(init.headers as Record<string, string>) },
    });
    const body = (await response.json().catch(() => ({}))) as T & { error?: string };
    if (!response.ok) throw new Refused(`${response.status}: ${body.error ?? response.statusText}`);
    return body;
  };

  const size = (await stat(file)).size;
  console.log(`uploading ${file} (${(size / 1024 / 1024).toFixed(1)} MB) to ${base} ...`);
  const preview = await call<ImportPreview>(`?kind=${kind}&file_name=${encodeURIComponent(basename(file))}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    // Streamed: the file is never held in memory whole.
    body: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
    duplex: 'half',
  });
  const { job } = preview;
  const mapping: ImportMapping = { ...preview.suggested_mapping };
  for (const entry of map) {
    const at = entry.indexOf('=');
    mapping[entry.slice(0, at)] = entry.slice(at + 1);
  }
  console.log(`import ${job.import_id}: ${job.headers.length} columns, separated by "${job.delimiter}"`);
  for (const field of IMPORT_FIELDS[kind]) {
    const column = mapping[field.field];
    console.log(`  ${field.required ? '*' : ' '} ${field.field.padEnd(14)} ← ${column ?? '(none)'}`);
  }
  const problems = mappingProblems(kind, job.headers, mapping);
  if (problems.length > 0) {
    console.error(`the mapping cannot run:\n  ${problems.join('\n  ')}\nadd --map field=Column for each`);
    return 2;
  }
  if (dryRun) {
    console.log('dry run: not started');
    return 0;
  }

  let current = await call<ImportJob>(`/${job.import_id}/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mapping }),
  });
  const started = Date.now();
  while (current.status === 'running') {
    await new Promise((done) => setTimeout(done, 1000));
    current = (await call<ImportPreview>(`/${job.import_id}`)).job;
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `  ${current.rows_read} rows read, ${current.rows_imported} imported, ${current.rows_rejected} refused` +
        ` (${Math.round(current.rows_read / Math.max(seconds, 0.001))} rows/s)`,
    );
  }
  console.log(`${current.status}${current.message ? `: ${current.message}` : ''}`);
  if (current.rows_rejected > 0) {
    const response = await fetch(`${base}/api/v1/imports/${job.import_id}/errors.csv`, {
      headers: { authorization },
    });
    if (response.ok) {
      const target = `${file}.errors.csv`;
      await writeFile(target, Buffer.from(await response.arrayBuffer()));
      console.log(`error report saved to ${target}`);
    }
  }
  return current.status === 'done' || current.status === 'skipped' ? 0 : 1;
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Refused ? `refused ${error.message}` : error);
    process.exit(error instanceof Refused ? 2 : 1);
  },
);
