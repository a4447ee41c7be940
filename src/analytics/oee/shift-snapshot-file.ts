// The shift cache kept across a restart, in a file of the data folder. The file is taken (read and
// deleted) by whatever opens the data folder next, and written again only by a server closing
// cleanly. So it never outlives a write it did not see: a crash, `loom import` or `loom simulate`
// into the folder, or a start against another store leaves the next server without it, and the
// shifts are computed from history again (by requests and the background warm-up).
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ShiftCacheSnapshot } from './shift-cache.js';

const FILE = 'oee-shifts.json';

/**
 * Reads and deletes the snapshot in `dataDir`. `store` names the historian the cells were computed
 * from (engine and location): a snapshot of another store is dropped. A missing or unreadable file
 * gives undefined; `onProblem` hears why a file was not used.
 */
export function takeShiftSnapshot(dataDir: string, store: string, onProblem?: (reason: string) => void): ShiftCacheSnapshot | undefined {
  const file = join(dataDir, FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  rmSync(file, { force: true });
  try {
    const saved = JSON.parse(text) as { store?: unknown; snapshot?: ShiftCacheSnapshot };
    if (saved.store !== store) {
      onProblem?.(`${file} was written for another historian (${String(saved.store)}); its shifts are computed again`);
      return undefined;
    }
    return saved.snapshot;
  } catch (error) {
    onProblem?.(`${file} is not valid JSON (${(error as Error).message}); its shifts are computed again`);
    return undefined;
  }
}

/** Writes the snapshot atomically (a half-written file is never read). */
export function saveShiftSnapshot(dataDir: string, store: string, snapshot: ShiftCacheSnapshot): void {
  const file = join(dataDir, FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, JSON.stringify({ store, savedAt: new Date().toISOString(), snapshot }));
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
