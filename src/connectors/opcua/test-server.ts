// A small OPC UA server with known variables for tests and the benchmark (not for production use).
import { DataType, StatusCodes, Variant, type OPCUAServer, type StatusCode, type UAVariable } from 'node-opcua';
import { createOpcUaServer, serverPort, type OpcUaServerBaseOptions } from './server-base.js';

export interface TestServerOptions extends OpcUaServerBaseOptions {
  /** Counters `ns=1;s=v<i>` (Double) that change every `intervalMs`. Default 10. */
  variables?: number;
  /** Default 1000. */
  intervalMs?: number;
}

/** Source timestamp of the fixed-quality variables: a source time far from now, to see it is kept. */
export const FIXED_SOURCE_TS = Date.UTC(2024, 0, 2, 3, 4, 5, 600);

export interface TestServer {
  server: OPCUAServer;
  port: number;
  endpointUrl: string;
  /** Number of updates of the counters so far. */
  ticks(): number;
  close(): Promise<void>;
}

/**
 * Variables (all in namespace 1, string ids):
 * - `v0` ... `v<n-1>`: Double counters, value = tick + i, source timestamp = update time;
 * - `uncertain`, `bad`: Double 1.5 with UncertainLastUsableValue / BadSensorFailure at FIXED_SOURCE_TS;
 * - `setpoint` (Double), `int16` (Int16), `flag` (Boolean), `text` (String): writable;
 * - `stuck`: writable Double that accepts writes and keeps 0 (a read-back mismatch);
 * - `readonly`: Double the server refuses to write; `analog`: AnalogItem 0..100 (for percent deadband);
 * - folder `Plant/Line1/Press1` with `Temperature` (Double) and `Running` (Boolean), for browsing.
 */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const server = await createOpcUaServer(options, 'Loom test server');
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error('no address space');
  const ns = addressSpace.getOwnNamespace();
  const objects = addressSpace.rootFolder.objects;
  const folder = ns.addFolder(objects, { browseName: 'Test', nodeId: 's=Test' });
  const n = options.variables ?? 10;
  const counters: UAVariable[] = [];
  for (let i = 0; i < n; i++) {
    counters.push(ns.addVariable({ componentOf: folder, browseName: `v${i}`, nodeId: `s=v${i}`, dataType: 'Double', value: { dataType: DataType.Double, value: i } }));
  }
  const fixed = (name: string, status: StatusCode) => {
    const v = ns.addVariable({ componentOf: folder, browseName: name, nodeId: `s=${name}`, dataType: 'Double' });
    v.setValueFromSource(new Variant({ dataType: DataType.Double, value: 1.5 }), status, new Date(FIXED_SOURCE_TS));
  };
  fixed('uncertain', StatusCodes.UncertainLastUsableValue);
  fixed('bad', StatusCodes.BadSensorFailure);
  const writable = (name: string, dataType: DataType, value: unknown) =>
    ns.addVariable({ componentOf: folder, browseName: name, nodeId: `s=${name}`, dataType: DataType[dataType], accessLevel: 'CurrentRead | CurrentWrite', userAccessLevel: 'CurrentRead | CurrentWrite', value: { dataType, value } });
  writable('setpoint', DataType.Double, 0);
  writable('int16', DataType.Int16, 0);
  writable('flag', DataType.Boolean, false);
  writable('text', DataType.String, '');
  ns.addVariable({
    componentOf: folder,
    browseName: 'stuck',
    nodeId: 's=stuck',
    dataType: 'Double',
    accessLevel: 'CurrentRead | CurrentWrite',
    userAccessLevel: 'CurrentRead | CurrentWrite',
    value: { get: () => new Variant({ dataType: DataType.Double, value: 0 }), set: () => StatusCodes.Good },
  });
  ns.addVariable({ componentOf: folder, browseName: 'readonly', nodeId: 's=readonly', dataType: 'Double', accessLevel: 'CurrentRead', userAccessLevel: 'CurrentRead', value: { dataType: DataType.Double, value: 7 } });
  ns.addAnalogDataItem({ componentOf: folder, browseName: 'analog', nodeId: 's=analog', dataType: 'Double', engineeringUnitsRange: { low: 0, high: 100 }, value: { dataType: DataType.Double, value: 50 }, accessLevel: 'CurrentRead | CurrentWrite', userAccessLevel: 'CurrentRead | CurrentWrite' });
  const plant = ns.addFolder(objects, { browseName: 'Plant', nodeId: 's=Plant' });
  const line = ns.addFolder(plant, { browseName: 'Line1', nodeId: 's=Plant.Line1' });
  const press = ns.addObject({ organizedBy: line, browseName: 'Press1', nodeId: 's=Plant.Line1.Press1' });
  ns.addVariable({ componentOf: press, browseName: 'Temperature', nodeId: 's=Plant.Line1.Press1.Temperature', dataType: 'Double', value: { dataType: DataType.Double, value: 48.5 } });
  ns.addVariable({ componentOf: press, browseName: 'Running', nodeId: 's=Plant.Line1.Press1.Running', dataType: 'Boolean', value: { dataType: DataType.Boolean, value: true } });

  await server.start();
  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    const now = new Date();
    for (let i = 0; i < counters.length; i++) counters[i].setValueFromSource(new Variant({ dataType: DataType.Double, value: tick + i }), StatusCodes.Good, now);
  }, options.intervalMs ?? 1000);
  const port = serverPort(server);
  return {
    server,
    port,
    endpointUrl: `opc.tcp://${options.hostname ?? '127.0.0.1'}:${port}`,
    ticks: () => tick,
    async close() {
      clearInterval(timer);
      await server.shutdown(0);
    },
  };
}
