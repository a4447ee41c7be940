import { parseArgs } from 'node:util';
import { ConfigError } from '../model/index.js';
import { runStart } from './start.js';
import { runCheck } from './check.js';
import { runSimulate } from './simulate.js';
import { IMPORT_USAGE, runImport } from './import.js';
import { EXPORT_USAGE, runExport } from './export.js';

const USAGE = `Loom: an Industry 4.0 platform (unified namespace, historian, live dashboard)

Usage:
  loom start [--config plant.yaml] [--port 8080] [--mqtt-port 1883] [--data DIR] [--no-simulator]
      Run Loom. Without --config it runs the built-in demo factory.
  loom check plant.yaml
      Validate a plant model and configuration; prints what is wrong and where.
  loom simulate [--config plant.yaml] [--days 7] [--speed max|N] [--data DIR]
      Backfill the historian with simulated history from the virtual factory.
  loom simulate --sparkplug mqtt://host:1883 | --mqtt-json mqtt://host:1883 [--topic-prefix P]
      Run the virtual factory as external Sparkplug B edge nodes or MQTT JSON publishers.
  loom simulate --opcua 4840 | --modbus 5020
      Serve the virtual factory as an OPC UA server or as Modbus TCP devices; prints the config to read it.
${IMPORT_USAGE}${EXPORT_USAGE}  loom help
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await runStart(
          parse(rest, { config: { type: 'string' }, port: { type: 'string' }, 'mqtt-port': { type: 'string' }, data: { type: 'string' }, 'no-simulator': { type: 'boolean' } }),
        );
      case 'check': {
        const { positionals, values } = parseArgs({ args: rest, allowPositionals: true, options: { config: { type: 'string' } } });
        const file = positionals[0] ?? values.config;
        if (!file) return usageError('loom check needs a file: loom check plant.yaml');
        return runCheck(file);
      }
      case 'simulate':
        return await runSimulate(
          parse(rest, {
            config: { type: 'string' },
            days: { type: 'string' },
            speed: { type: 'string' },
            data: { type: 'string' },
            sparkplug: { type: 'string' },
            'mqtt-json': { type: 'string' },
            'topic-prefix': { type: 'string' },
            opcua: { type: 'string' },
            modbus: { type: 'string' },
          }),
        );
      case 'import':
        return await runImport(rest);
      case 'export':
        return await runExport(
          parse(rest, { config: { type: 'string' }, data: { type: 'string' }, tags: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' }, layout: { type: 'string' }, out: { type: 'string' } }),
        );
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return 0;
      default:
        return usageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration refused:\n${error.message}\n`);
      return 2;
    }
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return usageError((error as Error).message);
    process.stderr.write(`loom: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

function parse<T extends OptionSpec>(args: string[], options: T) {
  return parseArgs({ args, options, allowPositionals: false, strict: true }).values as { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };
}

function usageError(message: string): number {
  process.stderr.write(`loom: ${message}\n\n${USAGE}`);
  return 64;
}

// Run when executed directly (tsx src/cli/main.ts or bin/loom.js), not when imported by tests.
const invoked = process.argv[1] ?? '';
if (/main\.[jt]s$/.test(invoked) || invoked.endsWith('loom.js') || invoked.endsWith('/loom')) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== 0 || process.argv[2] !== 'start') process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`loom: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
