import { parseArgs } from 'node:util';
import { FileRefused, ImportStopped, importFile, loadMappingFile, mergeMappings, type ImportMapping, type ImportReport } from '../transfer/index.js';
import { openPlantCore } from './plant-core.js';
import { ProgressBar } from './progress.js';
import { formatCount } from './format.js';
import { oneOf, usage } from './args.js';

/** Exit codes of `loom import`: every row stored; some rows rejected (the rest stored); file refused. */
export const IMPORT_EXIT = { ok: 0, rejected: 1, refused: 3 } as const;

export const IMPORT_USAGE = `  loom import FILE [--config plant.yaml] [--data DIR] [--format csv|parquet] [--layout long|wide]
             [--map mapping.yaml] [--ts-column C] [--tag-column C] [--value-column C] [--quality-column C]
             [--column NAME=tag/path ...] [--ignore-column NAME ...] [--timezone Europe/Berlin] [--epoch auto|s|ms]
             [--delimiter ';'] [--encoding latin1] [--rejects FILE] [--keep-rejects 1000] [--create-tags] [--dry-run]
      Backfill history from a CSV or Parquet file. Exit 0: all stored; 1: some rows rejected (see the
      report; the others are stored); 3: file refused, nothing stored. Importing again changes nothing.
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

  const core = await openPlantCore(values);
  const bar = new ProgressBar(`Importing ${file}`);
  try {
    const report = await importFile(core, {
      file,
      format,
      mapping,
      encoding: values.encoding,
      dryRun: values['dry-run'],
      createTags: values['create-tags'],
      rejectsFile: values.rejects,
      keepRejects: keep,
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
    for (const r of report.firstRejects) lines.push(`  ${report.position} ${r.line}${r.column ? `, column ${r.column}` : ''}: ${r.reason}: ${r.detail}`);
    if (report.rejectsError) lines.push(`The rejects file could not be written (${report.rejectsError}); pass --rejects PATH.`);
    if (report.rejectsFile) {
      const all = report.rejectsWritten === report.rejected ? 'all of them' : `the first ${report.rejectsWritten.toLocaleString('en')}`;
      lines.push(`Rejected ${report.position}s with reasons (${all}): ${report.rejectsFile}`);
    }
  }
  if (report.dryRun) lines.push('Dry run: nothing was written.');
  return `${lines.join('\n')}\n`;
}
