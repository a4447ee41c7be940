import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  FileRefused,
  ImportStopped,
  importFile,
  importRemote,
  loadMappingFile,
  mergeMappings,
  REJECTS_HEADER,
  rejectLine,
  RemoteImportFailed,
  type FileFormat,
  type ImportMapping,
  type ImportReport,
} from '../transfer/index.js';
import { csvLine } from '../transfer/csv-text.js';
import { loadConfigFile, loadDemoConfig } from '../model/index.js';
import { resolveDataDir, type LoomCore } from '../app.js';
import { readServerFile } from '../server-file.js';
import { openPlantCore } from './plant-core.js';
import { ProgressBar } from './progress.js';
import { formatCount } from './format.js';
import { oneOf, usage } from './args.js';

/**
 * Exit codes of `loom import`: every row stored; some rows rejected (the rest stored); file refused;
 * the data folder is locked by a Loom that could not be reached (75, EX_TEMPFAIL: try again with --url).
 */
export const IMPORT_EXIT = { ok: 0, rejected: 1, refused: 3, busy: 75 } as const;

export const IMPORT_USAGE = `  loom import FILE [--config plant.yaml] [--data DIR] [--format csv|parquet] [--layout long|wide]
             [--map mapping.yaml] [--ts-column C] [--tag-column C] [--value-column C] [--quality-column C]
             [--column NAME=tag/path ...] [--ignore-column NAME ...] [--timezone Europe/Berlin] [--epoch auto|s|ms]
             [--delimiter ';'] [--encoding latin1] [--rejects FILE] [--keep-rejects 1000] [--create-tags] [--dry-run]
             [--url http://127.0.0.1:8080]
      Backfill history from a CSV or Parquet file. Exit 0: all stored; 1: some rows rejected (see the
      report; the others are stored); 3: file refused, nothing stored. Importing again changes nothing.
      --url sends the file to a running Loom; without it, a Loom running on the data folder is found
      and used. Exit 75: the data folder is in use and its Loom cannot be reached.
`;

/** `loom import FILE ...`: parses its own flags (repeatable --column), imports, prints the report. */
export async function runImport(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      data: { type: 'string' },
      format: { type: 'string' },
      layout: { type: 'string' },
      map: { type: 'string' },
      'ts-column': { type: 'string' },
      'tag-column': { type: 'string' },
      'value-column': { type: 'string' },
      'quality-column': { type: 'string' },
      column: { type: 'string', multiple: true },
      'ignore-column': { type: 'string', multiple: true },
      timezone: { type: 'string' },
      epoch: { type: 'string' },
      delimiter: { type: 'string' },
      encoding: { type: 'string' },
      rejects: { type: 'string' },
      'keep-rejects': { type: 'string' },
      'create-tags': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      url: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw usage('loom import needs exactly one file: loom import history.csv');
  const format = oneOf(values.format, ['csv', 'parquet'], '--format');
  const layout = oneOf(values.layout, ['long', 'wide'], '--layout');
  const epoch = oneOf(values.epoch, ['auto', 's', 'ms'], '--epoch');
  const columns: Record<string, string> = {};
  for (const entry of values.column ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw usage(`--column '${entry}' must be NAME=tag/path`);
    columns[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  const keep = values['keep-rejects'] === undefined ? undefined : Number(values['keep-rejects']);
  if (keep !== undefined && !(Number.isInteger(keep) && keep >= 0)) throw usage(`--keep-rejects '${values['keep-rejects']}' must be a whole number`);
  const flags: ImportMapping = {
    layout,
    ts: values['ts-column'],
    tag: values['tag-column'],
    value: values['value-column'],
    quality: values['quality-column'],
    columns: Object.keys(columns).length ? columns : undefined,
    ignore: values['ignore-column'],
    timezone: values.timezone,
    epoch,
    delimiter: values.delimiter,
  };
  const mapping = mergeMappings(values.map ? loadMappingFile(values.map) : {}, flags);

  const job: ImportJob = {
    file,
    format,
    mapping,
    encoding: values.encoding,
    dryRun: values['dry-run'],
    createTags: values['create-tags'],
    rejectsFile: values.rejects,
    keepRejects: keep,
  };
  if (values.url !== undefined) {
    if (values.data !== undefined || values.config !== undefined) throw usage('--url sends the file to the Loom running there, which has its own config and data folder: leave out --config and --data');
    return importThrough(values.url, job);
  }

  let core: LoomCore;
  try {
    core = await openPlantCore(values);
  } catch (error) {
    if (!/lock/i.test((error as Error).message)) throw error;
    return lockedDataFolder(values, job);
  }
  const bar = new ProgressBar(`Importing ${file}`);
  try {
    const report = await importFile(core, {
      ...job,
      onProgress: (p) => bar.update(p.fraction, `${formatCount(p.rows)} rows, ${formatCount(p.rowsPerSecond)} rows/s, ${formatCount(p.rejected)} rejected`),
    });
    bar.done(`${formatCount(report.rows)} rows, ${formatCount(report.rowsPerSecond)} rows/s`);
    process.stdout.write(summary(report));
    return report.rejected > 0 ? IMPORT_EXIT.rejected : IMPORT_EXIT.ok;
  } catch (error) {
    if (error instanceof FileRefused) {
      process.stderr.write(`\nloom import: refused ${error.message}\nNothing was imported.\n`);
      return IMPORT_EXIT.refused;
    }
    if (error instanceof ImportStopped) {
      process.stderr.write(`\nloom import: ${error.message}\n`);
      process.stdout.write(summary(error.report));
      return IMPORT_EXIT.rejected;
    }
    throw error;
  } finally {
    await core.close();
  }
}

interface ImportJob {
  file: string;
  format?: FileFormat;
  mapping: ImportMapping;
  encoding?: string;
  dryRun?: boolean;
  createTags?: boolean;
  rejectsFile?: string;
  keepRejects?: number;
}

/**
 * The embedded DuckDB historian admits one process, so a running Loom locks its data folder. The Loom
 * that holds it says where it listens (server.json); the import then goes through its API.
 */
async function lockedDataFolder(args: { config?: string; data?: string }, job: ImportJob): Promise<number> {
  const loaded = args.config ? loadConfigFile(args.config) : loadDemoConfig();
  const dataDir = resolveDataDir(args.data ?? loaded.config.dataDir, loaded.baseDir);
  const running = readServerFile(dataDir);
  if (running && (await answers(running.url))) {
    process.stderr.write(`The data folder ${dataDir} is in use by the Loom running at ${running.url} (PID ${running.pid}); importing through its API (as --url ${running.url} would).\n`);
    return importThrough(running.url, job);
  }
  process.stderr.write(
    `loom import: the data folder ${dataDir} is in use by another process, most likely a running Loom: its DuckDB historian admits one process at a time.\n` +
      `Import through that Loom with --url (its address, e.g. --url http://127.0.0.1:8080), or stop it and run the import again.\n`,
  );
  return IMPORT_EXIT.busy;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/api/v1/system', url), { signal: AbortSignal.timeout(3_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** `--url`: the file is sent to a running Loom, which imports it; the report and exit code are those of a local import. */
async function importThrough(url: string, job: ImportJob): Promise<number> {
  const keep = job.keepRejects ?? 1_000;
  const bar = new ProgressBar(`Sending ${job.file} to ${url}`);
  const started = Date.now();
  try {
    const report = await importRemote({
      url,
      file: job.file,
      format: job.format,
      mapping: job.mapping,
      encoding: job.encoding,
      dryRun: job.dryRun,
      createTags: job.createTags,
      // At least the few the summary shows, even when no rejects file is wanted.
      listRejects: Math.max(keep, 5),
      onProgress: (sent, size) => bar.update(size === 0 ? 1 : sent / size, `${formatBytes(sent)} of ${formatBytes(size)}, ${formatBytes(sent / Math.max((Date.now() - started) / 1000, 0.001))}/s`),
    });
    bar.done(`${formatCount(report.rows)} rows, ${formatCount(report.rowsPerSecond)} rows/s`);
    process.stdout.write(summary(withRejectsFile(report, job.rejectsFile ?? `${job.file}.rejects.csv`, keep)));
    return report.rejected > 0 ? IMPORT_EXIT.rejected : IMPORT_EXIT.ok;
  } catch (error) {
    if (!(error instanceof RemoteImportFailed)) throw error;
    process.stderr.write(`\nloom import: ${error.message}\n`);
    if (error.code === 'LOOM_IMPORT_REFUSED' || error.code === 'LOOM_UPLOAD_TOO_LARGE') {
      process.stderr.write('Nothing was imported.\n');
      return IMPORT_EXIT.refused;
    }
    if (error.report) {
      process.stdout.write(summary(withRejectsFile(error.report, job.rejectsFile ?? `${job.file}.rejects.csv`, keep)));
      return IMPORT_EXIT.rejected;
    }
    if (error.code !== 'UNREACHABLE') process.stderr.write(`(${error.code}, HTTP ${error.status}) Nothing was imported.\n`);
    return IMPORT_EXIT.rejected;
  }
}

/** Writes the rejects the server listed to the local rejects file, as a local import would have. */
function withRejectsFile(report: Omit<ImportReport, 'rejectsWritten'>, path: string, keep: number): ImportReport {
  const kept = report.firstRejects.slice(0, keep);
  if (kept.length === 0) return { ...report, rejectsWritten: 0 };
  try {
    writeFileSync(path, csvLine(REJECTS_HEADER) + kept.map(rejectLine).join(''));
    return { ...report, rejectsFile: path, rejectsWritten: kept.length };
  } catch (error) {
    return { ...report, rejectsWritten: 0, rejectsError: `${path}: ${(error as Error).message}` };
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** The end-of-import report: counts, rejects per reason, the first few, and where the rest are. */
export function summary(report: ImportReport): string {
  const lines: string[] = [];
  const verb = report.dryRun ? 'Would import' : 'Imported';
  lines.push(
    `${verb} ${report.imported.toLocaleString('en')} of ${report.values.toLocaleString('en')} values from ${report.rows.toLocaleString('en')} rows of ${report.file} ` +
      `(${report.format}, ${report.layout} layout) in ${report.seconds.toFixed(1)} s: ${formatCount(report.rowsPerSecond)} rows/s.`,
  );
  if (report.createdTags.length > 0) {
    lines.push(`Created ${report.createdTags.length} tag(s) (declare them in the plant config to keep them across restarts):`);
    for (const tag of report.createdTags.slice(0, 20)) lines.push(`  ${tag.path} (${tag.type})`);
  }
  if (report.rejected === 0) {
    lines.push('Rejected: none.');
  } else {
    lines.push(`Rejected: ${report.rejected.toLocaleString('en')} (${report.dryRun ? 'nothing was written' : 'not stored; everything else is'}):`);
    for (const [reason, n] of Object.entries(report.byReason)) lines.push(`  ${reason.padEnd(15)} ${n.toLocaleString('en')}`);
    lines.push('First rejects:');
    for (const r of report.firstRejects.slice(0, 5)) lines.push(`  ${report.position} ${r.line}${r.column ? `, column ${r.column}` : ''}: ${r.reason}: ${r.detail}`);
    if (report.rejectsError) lines.push(`The rejects file could not be written (${report.rejectsError}); pass --rejects PATH.`);
    if (report.rejectsFile) {
      const all = report.rejectsWritten === report.rejected ? 'all of them' : `the first ${report.rejectsWritten.toLocaleString('en')}`;
      lines.push(`Rejected ${report.position}s with reasons (${all}): ${report.rejectsFile}`);
    }
  }
  if (report.dryRun) lines.push('Dry run: nothing was written.');
  return `${lines.join('\n')}\n`;
}
