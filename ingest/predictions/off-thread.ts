// computePredictions in a worker thread: one thread per run, ended when it answers. The input's
// columns are transferred, not copied (input.ts), and so are the result's.
import { Worker } from 'node:worker_threads';
import type { ComputeOptions, ComputeResult, PreviousRun } from './compute';
import { transferables, type PredictionInput } from './input';
import type { WorkerReply, WorkerRequest } from './worker';

/** The worker's own failure (an exception in the models), named as it was thrown there. */
export class PredictionComputeError extends Error {
  override name = 'PredictionComputeError';
  readonly retriable = false;
}

const BOOT = new URL('./worker-boot.mjs', import.meta.url);
const ENTRY = new URL('./worker.ts', import.meta.url).href;

export type Compute = (
  input: PredictionInput,
  previous: PreviousRun | null,
  options: ComputeOptions,
) => Promise<ComputeResult>;

export const computeOffThread: Compute = (input, previous, options) =>
  new Promise<ComputeResult>((resolve, reject) => {
    const worker = new Worker(BOOT, { workerData: { entry: ENTRY } });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.once('message', (reply: WorkerReply) =>
      settle(() =>
        reply.ok
          ? resolve(reply.result)
          : reject(new PredictionComputeError(`${reply.error.name}: ${reply.error.message}`)),
      ),
    );
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) =>
      settle(() => reject(new PredictionComputeError(`the prediction worker exited with code ${code}`))),
    );
    const request: WorkerRequest = { input, previous, options };
    worker.postMessage(request, transferables(input));
  });
