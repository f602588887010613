// The brand's CSV imports, kept live by import_id, newest first: the rows the
// page was rendered with, each `import` push (the importer's progress and
// outcome) replacing its job, and a fresh list on every reconnect.
// Relative, not $lib: its pure functions are unit-tested outside SvelteKit.
import {
  IMPORT_FIELDS,
  type ImportJob,
  type ImportKind,
  type ImportMapping,
  type ImportPreview,
} from '../shared/imports';
import { LiveCollection } from './live-collection';
import type { LiveConnection } from './live-connection';

/** A refusal of the imports API: its status and its `{ error }` message, verbatim. */
export class ImportsApiError extends Error {
  override name = 'ImportsApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class LiveImports {
  #imports: LiveCollection<'import', ImportJob>;

  constructor(deps: { connection: LiveConnection; initial: ImportJob[] }) {
    this.#imports = new LiveCollection({
      connection: deps.connection,
      event: 'import',
      initial: deps.initial,
      key: (job) => job.import_id,
      snapshot: () => importsApi.list(),
      delta: (job) => ({ upsert: job }),
    });
  }

  get imports(): ImportJob[] {
    return newestFirst(this.#imports.rows);
  }
}

export function newestFirst(jobs: ImportJob[]): ImportJob[] {
  return jobs.sort(
    (a, b) => b.created_at.localeCompare(a.created_at) || b.import_id.localeCompare(a.import_id),
  );
}

/** The mapping form's first choices: one per field of the kind, the suggested column or '' for none. */
export function suggestedChoices(kind: ImportKind, suggested: ImportMapping): Record<string, string> {
  return Object.fromEntries(IMPORT_FIELDS[kind].map(({ field }) => [field, suggested[field] ?? '']));
}

/** The mapping form's choices (field → column, '' for none) as the start request's mapping. */
export function chosenMapping(choices: Readonly<Record<string, string>>): ImportMapping {
  return Object.fromEntries(Object.entries(choices).filter(([, column]) => column !== ''));
}

/** Where the error report of an import is downloaded. */
export const errorReportHref = (importId: string) =>
  `/api/v1/imports/${encodeURIComponent(importId)}/errors.csv`;

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`/api/v1/imports${path}`, {
    credentials: 'same-origin',
    ...init,
    headers: { accept: 'application/json', ...init.headers },
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
    const message = typeof body?.error === 'string' ? body.error : `the server answered ${response.status}`;
    throw new ImportsApiError(response.status, message);
  }
  return (await response.json()) as T;
}

/** The browser's calls of /api/v1/imports, authenticated by the session cookie. */
export const importsApi = {
  list: () => call<{ imports: ImportJob[] }>('').then((body) => body.imports),
  preview: (importId: string) => call<ImportPreview>(`/${encodeURIComponent(importId)}`),
  upload: (kind: string, file: File) =>
    call<ImportPreview>(`?kind=${encodeURIComponent(kind)}&file_name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: file,
    }),
  cancel: (importId: string) =>
    call<ImportJob>(`/${encodeURIComponent(importId)}/cancel`, { method: 'POST' }),
  start: (importId: string, mapping: ImportMapping) =>
    call<ImportJob>(`/${encodeURIComponent(importId)}/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mapping }),
    }),
};
