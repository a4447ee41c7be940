import { startLoom } from '../app.js';
import { listMachines } from '../model/index.js';
import { ensureUiBuilt } from './ui-build.js';

/** `loom start`: runs until SIGINT/SIGTERM, then shuts down in order (connectors, API, bus, historian). */
export async function runStart(args: { config?: string; port?: string; data?: string; 'no-simulator'?: boolean }): Promise<number> {
  const started = Date.now();
  const port = args.port === undefined ? undefined : Number(args.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error(`--port '${args.port}' is not a port number`);
  await ensureUiBuilt((line) => process.stdout.write(`${line}\n`));
  const loom = await startLoom({
    configFile: args.config,
    dataDir: args.data,
    http: port === undefined ? undefined : { port },
    simulator: args['no-simulator'] ? false : undefined,
  });
  const machines = listMachines(loom.config.plant).length;
  const source = args.config ?? 'built-in demo plant';
  process.stdout.write(
    `\n  Loom is running (${source}: ${machines} machines, ${loom.registry.size} tags)\n` +
      `  Dashboard  ${loom.url}\n  API docs   ${loom.url}/docs\n  Metrics    ${loom.url}/metrics\n  Data       ${loom.dataDir}\n` +
      `  Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Press Ctrl+C to stop.\n\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('Stopping Loom…\n');
  await loom.close();
  return 0;
}
