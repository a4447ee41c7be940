import { Worker } from 'node:worker_threads';
import type { WorkerOptions } from './protocol.js';

/**
 * Starts the writer worker. Built JavaScript runs `writer-worker.js` directly. From TypeScript
 * sources (tests, `tsx`), a tiny bootstrap registers tsx inside the worker first: on Node 20 a worker
 * neither inherits the parent's loader hooks nor applies `--import` before loading its entry file.
 */
export function spawnWriter(options: WorkerOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./writer-worker.js', import.meta.url), { workerData: options });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./writer-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: options });
}
