// Which Loom serves a data folder. A running Loom holds its embedded DuckDB historian, which admits one
// process, so a tool that finds the folder locked (`loom import`) reads `server.json` there to reach
// that Loom's API instead of failing.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SERVER_FILE = 'server.json';

export interface ServerInfo {
  url: string;
  pid: number;
  startedAt: string;
  version: string;
}

export function writeServerFile(dataDir: string, info: Omit<ServerInfo, 'pid' | 'startedAt'>): void {
  const record: ServerInfo = { ...info, pid: process.pid, startedAt: new Date().toISOString() };
  writeFileSync(join(dataDir, SERVER_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/** Removes the file if this process wrote it (a second Loom that failed to start must not remove the first's). */
export function removeServerFile(dataDir: string): void {
  if (readServerFile(dataDir)?.pid === process.pid) rmSync(join(dataDir, SERVER_FILE), { force: true });
}

/** The Loom serving `dataDir`, or undefined when there is no file, it is unreadable, or its process is gone. */
export function readServerFile(dataDir: string): ServerInfo | undefined {
  let info: Partial<ServerInfo>;
  try {
    info = JSON.parse(readFileSync(join(dataDir, SERVER_FILE), 'utf8')) as Partial<ServerInfo>;
  } catch {
    return undefined;
  }
  if (typeof info.url !== 'string' || typeof info.pid !== 'number') return undefined;
  return processAlive(info.pid) ? (info as ServerInfo) : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
