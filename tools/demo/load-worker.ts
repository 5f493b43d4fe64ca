/**
 * Worker-thread entry of {@link generateAndLoadInWorker}: generates a demo description and bulk-loads
 * it, posting progress lines and the final report to the parent. Runs on the machine's other core
 * while the main thread serves the embedded DynamoDB; its clients are its own (no change capture).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { generateDemoData } from './generate';
import { loadInBulk } from './load';
import type { WorkerRequest, WorkerMessage } from './load';

const request = workerData as WorkerRequest;
const post = (message: WorkerMessage) => parentPort!.postMessage(message);

try {
  const started = performance.now();
  const description = generateDemoData({ orders: request.orders, seed: request.seed, now: request.now ? new Date(request.now) : undefined });
  const generateMs = performance.now() - started;
  post({ type: 'generated', counts: description.counts, now: description.now, generateMs });
  const load = await loadInBulk(description, {
    onProgress: (message) => post({ type: 'progress', message }),
    now: request.now ? new Date(request.now) : undefined,
    // The parent computes their counter contributions while this thread and the store write them.
    onRecords: (records) => post({ type: 'records', records }),
  });
  post({ type: 'done', load });
} catch (error) {
  post({ type: 'failed', message: (error as Error).stack ?? String(error) });
}
