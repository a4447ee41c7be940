import { listMachines, declaredTags, loadConfigFile } from '../model/index.js';

/** `loom check FILE`: validates a config and summarises it; ConfigError propagates to main's handler. */
export function runCheck(file: string): number {
  const { config } = loadConfigFile(file);
  const plant = config.plant;
  const areas = plant.sites.reduce((n, s) => n + s.areas.length, 0);
  const lines = plant.sites.reduce((n, s) => n + s.areas.reduce((m, a) => m + a.lines.length, 0), 0);
  const machines = listMachines(plant).length;
  const tags = declaredTags(plant).length;
  process.stdout.write(
    `${file}: ok — enterprise '${plant.enterprise.id}', ${plant.sites.length} site(s), ${areas} area(s), ${lines} line(s), ${machines} machine(s), ${tags} declared tag(s)\n`,
  );
  return 0;
}
