import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLoom, type RunningLoom, type StartLoomOptions } from '../src/app.js';

/** Starts Loom on an ephemeral loopback port with a fresh data folder; `stop()` closes it and removes the folder. */
export async function startTestLoom(options: StartLoomOptions = {}): Promise<RunningLoom & { stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'loom-test-'));
  const loom = await startLoom({ dataDir, http: { port: 0, host: '127.0.0.1' }, logger: false, simulator: false, mqttBroker: 0, ...options });
  return Object.assign(loom, {
    async stop() {
      await loom.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
