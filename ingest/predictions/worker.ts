// Runs computePredictions in a worker thread (started by compute-off-thread.ts through
// worker-boot.mjs), so a 500k-profile fit never holds the processor's event loop.
import { parentPort } from 'node:worker_threads';
import { computePredictions, type ComputeOptions, type ComputeResult, type PreviousRun } from './compute';
import type { PredictionInput } from './input';

export interface WorkerRequest {
  input: PredictionInput;
  previous: PreviousRun | null;
  options: ComputeOptions;
}

export type WorkerReply =
  { ok: true; result: ComputeResult } | { ok: false; error: { name: string; message: string } };

function resultBuffers(result: ComputeResult): ArrayBuffer[] {
  const c = result.columns;
  if (c === null) return [];
  return [
    c.included,
    c.orders,
    c.revenue,
    c.recency,
    c.r,
    c.f,
    c.m,
    c.segment,
    c.churn,
    c.pAlive,
    c.expectedPurchases,
    c.predictedValue,
    c.recommendations.bytes,
    c.recommendations.ends,
  ].map((a) => a.buffer as ArrayBuffer);
}

parentPort?.once('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const result = computePredictions(request.input, request.previous, request.options);
    reply = { ok: true, result };
    transfer = resultBuffers(result);
  } catch (error) {
    reply = {
      ok: false,
      error:
        error instanceof Error
          ? { name: error.name, message: error.message }
          : { name: 'Error', message: String(error) },
    };
  }
  parentPort?.postMessage(reply, transfer);
});
