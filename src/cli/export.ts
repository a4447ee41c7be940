import { extname } from 'node:path';
import { parseTimestamp } from '../ingest/index.js';
import { ExportRefused, planExport, writeCsvFile, writeParquetFile, type ExportFormat, type ExportLayout } from '../transfer/index.js';
import { openPlantCore } from './plant-core.js';
import { ProgressBar } from './progress.js';
import { formatCount } from './format.js';
import { oneOf, usage } from './args.js';

const DAY = 86_400_000;

export const EXPORT_USAGE = `  loom export --tags acme/berlin/machining/#,acme/berlin/site-energy --from 2026-11-01T00:00:00Z [--to ISO]
             --out FILE.csv|FILE.parquet [--format csv|parquet] [--layout long|wide] [--config plant.yaml] [--data DIR]
      Write raw history of tags (paths or patterns with + and #) to CSV or Parquet. Default range: the last day.
`;

/** `loom export ...`: resolves the tags, counts, and writes the file with a progress bar. */
export async function runExport(args: { config?: string; data?: string; tags?: string; from?: string; to?: string; format?: string; layout?: string; out?: string }): Promise<number> {
  if (!args.out) throw usage('loom export needs --out FILE (.csv or .parquet)');
  if (!args.tags) throw usage('loom export needs --tags: tag paths or patterns, comma-separated (acme/berlin/#)');
  const format: ExportFormat = oneOf(args.format, ['csv', 'parquet'], '--format') ?? (extname(args.out).toLowerCase() === '.parquet' ? 'parquet' : 'csv');
  const layout: ExportLayout = oneOf(args.layout, ['long', 'wide'], '--layout') ?? 'long';
  const to = time('--to', args.to, Date.now());
  const from = time('--from', args.from, to - DAY);

  const core = await openPlantCore(args);
  try {
    const plan = await planExport(core, { tags: args.tags.split(','), from, to });
    const bar = new ProgressBar(`Exporting ${plan.tags.length} tag(s)`);
    const started = Date.now();
    let done = 0;
    const progress = (n: number) => {
      done += n;
      bar.update(plan.estimatedSamples === 0 ? 1 : done / plan.estimatedSamples, `${formatCount(done)} samples, ${formatCount(done / Math.max(0.001, (Date.now() - started) / 1000))}/s`);
    };
    await (format === 'parquet' ? writeParquetFile : writeCsvFile)(core.historian, plan, layout, args.out, progress);
    const seconds = (Date.now() - started) / 1000;
    bar.done(`${formatCount(done)} samples`);
    process.stdout.write(
      `Exported ${done.toLocaleString('en')} samples of ${plan.tags.length} tag(s) from ${new Date(from).toISOString()} to ${new Date(to).toISOString()} ` +
        `as ${format} (${layout} layout) to ${args.out} in ${seconds.toFixed(1)} s.\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ExportRefused) {
      process.stderr.write(`loom export: ${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    await core.close();
  }
}

function time(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const ms = parseTimestamp(raw);
  if (ms === undefined) throw usage(`${flag} '${raw}' is not a time: use ISO 8601 (2026-11-26T08:00:00Z) or ms since the epoch`);
  return ms;
}
