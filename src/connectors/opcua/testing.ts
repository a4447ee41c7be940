// Helpers for the OPC UA tests and benchmark: a recording context, waiting, child-process servers.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { pino } from 'pino';
import { TagRegistry } from '../../model/index.js';
import type { ConnectorContext, RawSample } from '../types.js';

export { quietOpcUa } from './logging.js';

/** A connector context that records every published sample. */
export function recordingContext(): { context: ConnectorContext; samples: RawSample[] } {
  const samples: RawSample[] = [];
  const context: ConnectorContext = {
    registry: new TagRegistry(),
    logger: pino({ level: 'silent' }),
    publish: async (batch) => {
      samples.push(...batch);
    },
  };
  return { context, samples };
}

/** Polls `predicate` every 50 ms until it holds; throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The test server in a child process: its port, and kill() (SIGKILL by PID). */
export async function spawnTestServer(args: { pkiDir: string; port?: number; variables?: number; intervalMs?: number }): Promise<{ port: number; child: ChildProcess; kill(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'test-server-main.ts'), '--pki', args.pkiDir, '--port', String(args.port ?? 0), '--variables', String(args.variables ?? 10), '--interval', String(args.intervalMs ?? 1000)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`test server exited with ${code} before listening`)));
  });
  return {
    port,
    child,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid as number, 'SIGKILL');
      await exited;
    },
  };
}
