import { loadConfigFile, loadDemoConfig } from '../model/index.js';
import { openCore, registerTags, type LoomCore } from '../app.js';
import { createConnectors } from '../connectors/index.js';

/**
 * The historian and tag registry of a data folder, without the server: the tags the config declares
 * and those its connectors define (the demo's simulated machines), as `loom start` would register them.
 * Tags created at run time (auto-created MQTT topics) are not known here.
 */
export async function openPlantCore(args: { config?: string; data?: string }): Promise<LoomCore> {
  const loaded = args.config ? loadConfigFile(args.config) : loadDemoConfig();
  const core = await openCore(loaded, { dataDir: args.data, logger: false });
  try {
    // Connectors are only built for their tag lists here; none is started, so the broker address is
    // never dialled (it only satisfies connectors that need one to be configured).
    const connectors = await createConnectors(core.config, { mqtt: { url: core.config.mqtt.url ?? 'mqtt://127.0.0.1:1883', external: true } });
    await registerTags(core, connectors);
    return core;
  } catch (error) {
    await core.close();
    throw error;
  }
}
