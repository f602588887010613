// Signalroom roles as OS processes, the way a split deployment runs them:
// `tsx ingest/main.ts --role <role>` with its own env. Each runs in a process
// group of its own (tsx starts node as a child), so a stop reaches both and
// nothing outlives the test, even when a graceful stop does not finish.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Role } from '../../src/lib/shared/config';

const root = resolve(import.meta.dirname, '../..');
const tsx = resolve(root, 'node_modules/.bin/tsx');

export interface RoleProcess {
  name: string;
  role: Role;
  child: ChildProcess;
  /** Its base URL, from the line main.ts prints once it listens. */
  url: Promise<string>;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Everything it wrote, for a failure's message. */
  output(): string;
}

/** Every process started here; killed for good when the test process exits, whatever happened. */
const running = new Set<RoleProcess>();
process.once('exit', () => {
  for (const proc of running) killGroup(proc, 'SIGKILL');
});

/** The parts of the parent's environment a child needs to run tsx at all; the rest is given. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export function startRole(name: string, role: Role, env: Record<string, string>): RoleProcess {
  const child = spawn(tsx, ['ingest/main.ts', '--role', role], {
    cwd: root,
    env: { ...baseEnv(), ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = new Promise<string>((done, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      // "Signalroom (<role>) is running: url|dashboard http://localhost:<port>"
      const port = output.match(/is running: (?:url|dashboard) http:\/\/[^:\s]+:(\d+)/)?.[1];
      if (port) done(`http://127.0.0.1:${port}`);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    void exited.then((code) =>
      fail(new Error(`${name} exited (code ${code}) before it listened:\n${output}`)),
    );
  });
  url.catch(() => {}); // a caller awaits it; an early exit must not be an unhandled rejection meanwhile
  const proc: RoleProcess = { name, role, child, url, exited, output: () => output };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/**
 * The live processes of the role's group (tsx, the node it started), from /proc:
 * a zombie is dead already, only waiting for init to collect it.
 */
export function groupMembers(proc: RoleProcess): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp ...; comm may hold spaces, so read after its closing parenthesis.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === proc.child.pid && state !== 'Z') members.push(Number(entry));
  }
  return members;
}

function killGroup(proc: RoleProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-proc.child.pid!, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/**
 * SIGTERM to the node process running main.ts (which closes the system
 * gracefully and exits; tsx then exits with its code), SIGKILL to the whole
 * group if it has not exited within `graceMs`. Resolves with the exit code, or
 * null if it had to be killed.
 *
 * Not SIGTERM to tsx: tsx relays it, and SIGKILLs its child if the child does
 * not acknowledge within 30 ms, which a busy event loop (a processor in a batch,
 * a loaded machine) easily misses: the "graceful" stop would be a crash.
 */
export async function stopRole(proc: RoleProcess, graceMs = 30_000): Promise<number | null> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) {
    const node = groupMembers(proc).filter((pid) => pid !== proc.child.pid);
    if (node.length === 0) proc.child.kill('SIGTERM');
    for (const pid of node) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // ESRCH: it exited between the scan and now; tsx follows it.
      }
    }
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), graceMs)));
  const result = await Promise.race([proc.exited, late]);
  clearTimeout(timer);
  // Whatever is left of the group (nothing, after a graceful exit) goes too.
  killGroup(proc, 'SIGKILL');
  if (result === 'late') {
    await proc.exited;
    return null;
  }
  return result;
}
