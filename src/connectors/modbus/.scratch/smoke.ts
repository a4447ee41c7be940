import { serveFactoryModbus } from '/work/main/src/connectors/modbus/factory-server.ts';
import { ModbusConnector } from '/work/main/src/connectors/modbus/modbus-connector.ts';
import { loadDemoConfig } from '/work/main/src/model/index.ts';
import { pino } from 'pino';
const cfg = loadDemoConfig().config;
const served = await serveFactoryModbus({ plant: cfg.plant, basePort: 0 });
console.log(served.machines.slice(0,2));
const c = new ModbusConnector({ config: served.clientConfig({ interval: 500 }) });
const got: any[] = [];
await c.start({ registry: null as any, logger: pino({level:'silent'}), publish: async (s) => { got.push(...s); } });
await new Promise(r => setTimeout(r, 1200));
console.log(got.filter(s => s.tag.includes('press-1')).slice(0, 16));
console.log(c.health());
await c.write('acme/berlin/machining/line-1/press-1/speed_setpoint', 80);
await c.write('acme/berlin/machining/line-1/press-1/enabled', false);
try { await c.write('acme/berlin/machining/line-1/press-1/speed_setpoint', 80000); } catch (e) { console.log('expected', (e as Error).message); }
await c.stop(); await served.close();
