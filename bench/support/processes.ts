// Child processes of the benchmark: started in their own process group (so a
// stop reaches the grandchildren too, e.g. the node process tsx starts, and a
// Ctrl-C in the terminal reaches only the benchmark, which stops them in
// order), output into a log file, and CPU time read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

export interface Child {
  pid: number;
  process: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process has exited. */
  exited: Promise<number | string>;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the leader exited. */
  stop(graceMs?: number): Promise<void>;
}

export function startChild(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string },
): Child {
  const log = openSync(options.logFile, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')),
  );
  let alive = true;
  void exited.then(() => (alive = false));
  return {
    pid,
    process: child,
    exited,
    async stop(graceMs = 15_000) {
      if (!alive) return;
      signalGroup(pid, 'SIGTERM');
      const killed = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
      if (killed) {
        signalGroup(pid, 'SIGKILL');
        await exited;
      }
      // Whatever the leader left behind in its group goes too.
      signalGroup(pid, 'SIGKILL');
    },
  };
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Runs a command to its end; rejects with its output when it fails. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0
        ? done(output)
        : fail(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output.slice(-3000)}`)),
    );
  });
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** /proc/<pid>/stat from field 3 (state) on: [state, ppid, pgrp, ..., utime at 11, stime at 12]. */
async function statFields(pid: string): Promise<string[] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // exited meanwhile
  }
}

export interface Sched {
  /** Seconds on a CPU. */
  cpu: number;
  /** Seconds runnable but waiting for a CPU (the machine's other work takes it). */
  waiting: number;
}

/** /proc/<pid>/task/<tid>/schedstat: ns on CPU, ns waiting on a run queue, timeslices. */
async function threadSched(pid: number, tid: string): Promise<Sched> {
  try {
    const [cpu, waiting] = (await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8'))
      .split(' ')
      .map(Number);
    return { cpu: (cpu ?? 0) / 1e9, waiting: (waiting ?? 0) / 1e9 };
  } catch {
    return { cpu: 0, waiting: 0 };
  }
}

/** Scheduler time of one process: all its threads, and its main thread. */
export async function processSched(pid: number): Promise<{ all: Sched; main: Sched }> {
  const all: Sched = { cpu: 0, waiting: 0 };
  let main: Sched = { cpu: 0, waiting: 0 };
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    return { all, main }; // exited meanwhile
  }
  for (const tid of tids) {
    const sched = await threadSched(pid, tid);
    all.cpu += sched.cpu;
    all.waiting += sched.waiting;
    if (tid === String(pid)) main = sched;
  }
  return { all, main };
}

/**
 * Scheduler time of a process group: every thread of every process (`all`), and
 * the main thread of its busiest process (`main`: for node, the event loop).
 */
export async function groupSched(pgid: number): Promise<{ all: Sched; main: Sched }> {
  const all: Sched = { cpu: 0, waiting: 0 };
  let main: Sched = { cpu: 0, waiting: 0 };
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = await statFields(entry);
    if (!fields || Number(fields[2]) !== pgid) continue;
    const one = await processSched(Number(entry));
    all.cpu += one.all.cpu;
    all.waiting += one.all.waiting;
    if (one.main.cpu > main.cpu) main = one.main;
  }
  return { all, main };
}

export async function loadAverage(): Promise<string> {
  return (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
}
