// The prediction worker's entry. Worker threads do not inherit tsx's loader (`npm start` runs the
// code with `tsx`, the tests with vitest), so this plain module registers it and then loads the
// TypeScript entry named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
