// Runs the test server in its own process (for kill-and-restart tests and the benchmark):
//   node --import tsx src/connectors/opcua/test-server-main.ts --pki <dir> [--port 0] [--variables 10] [--interval 1000]
// Prints one JSON line {"port": N} once it listens; stops on SIGTERM.
import { parseArgs } from 'node:util';
import { setErrorLogger, setWarningLogger } from 'node-opcua';
import { startTestServer } from './test-server.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, variables: { type: 'string', default: '10' }, interval: { type: 'string', default: '1000' }, pki: { type: 'string' } } });
if (!values.pki) throw new Error('--pki <dir> is required');
setWarningLogger(() => undefined);
setErrorLogger(() => undefined);
const server = await startTestServer({ port: Number(values.port), variables: Number(values.variables), intervalMs: Number(values.interval), pkiDir: values.pki, users: { operator: 'secret' } });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
