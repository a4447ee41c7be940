import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../ui');

/** Newest modification time of the dashboard's sources (skipping the build output). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds the dashboard when its build is missing or older than its sources, so `npm start` on a fresh
 * clone shows the dashboard and later starts skip the build.
 */
export async function ensureUiBuilt(log: (line: string) => void): Promise<void> {
  const index = join(UI_DIR, 'dist/index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource(UI_DIR)) return;
  const started = Date.now();
  log('Building the dashboard…');
  const { build } = await import('vite');
  await build({ configFile: join(UI_DIR, 'vite.config.ts'), logLevel: 'warn' });
  log(`Dashboard built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
