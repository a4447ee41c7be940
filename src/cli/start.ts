import { startLoom } from '../app.js';
import { listMachines } from '../model/index.js';
import { ensureUiBuilt } from './ui-build.js';

/** `loom start`: runs until SIGINT/SIGTERM, then shuts down in order (connectors, API, bus, historian). */
export async function runStart(args: { config?: string; port?: string; 'mqtt-port'?: string; data?: string; 'no-simulator'?: boolean }): Promise<number> {
  const started = Date.now();
  const port = portOption('--port', args.port);
  const mqttPort = portOption('--mqtt-port', args['mqtt-port']);
  await ensureUiBuilt((line) => process.stdout.write(`${line}\n`));
  const loom = await startLoom({
    configFile: args.config,
    dataDir: args.data,
    http: port === undefined ? undefined : { port },
    simulator: args['no-simulator'] ? false : undefined,
    mqttBroker: mqttPort,
  });
  const machines = listMachines(loom.config.plant).length;
  const source = args.config ?? 'built-in demo plant';
  process.stdout.write(
    `\n  Loom is running (${source}: ${machines} machines, ${loom.registry.size} tags)\n` +
      `  Dashboard  ${loom.url}\n  API docs   ${loom.url}/docs\n  Metrics    ${loom.url}/metrics\n` +
      (loom.mqttUrl ? `  MQTT       ${loom.mqttUrl} (embedded broker)\n` : '') +
      `  Data       ${loom.dataDir}\n` +
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

function portOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} '${value}' is not a port number`);
  return port;
}
