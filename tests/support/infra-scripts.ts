// Running the infra/ start and stop scripts from test setup: bash from the
// repository root, with extra environment, and reading what they announce.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** Runs `script` (a path from the repository root); resolves with its stdout, rejects with both streams. */
export function runInfraScript(script: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((done, fail) => {
    const options = { cwd: root, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...env } };
    execFile('bash', [resolve(root, script)], options, (error, stdout, stderr) => {
      if (error) fail(new Error(`${script} failed (${error.message}):\n${stderr}\n${stdout}`.trim()));
      else done(stdout);
    });
  });
}

/** The last `NAME=value` line a start script printed. */
export function announced(output: string, variable: string): string {
  const line = output
    .trim()
    .split('\n')
    .reverse()
    .find((candidate) => candidate.startsWith(`${variable}=`));
  if (!line) throw new Error(`start script did not print ${variable}=...:\n${output}`);
  return line.slice(variable.length + 1).trim();
}
