import { z } from 'zod';
import { SpcMonitor, type EventSink, type SampleSource } from './monitor.js';
import { parseRules } from './rules.js';
import { CHART_KINDS } from './types.js';

const line = z.object({ center: z.number(), lower: z.number(), upper: z.number(), sigma: z.number().positive() }).strict();

const monitorSchema = z
  .object({
    tag: z.string().min(1).describe('Full path of the numeric tag to watch'),
    chart: z.enum(CHART_KINDS as ['xbar-r', 'xbar-s', 'imr']).default('imr').describe('imr (each sample a point), xbar-r or xbar-s (n consecutive samples a subgroup)'),
    n: z.number().int().min(2).max(25).default(5).describe('Subgroup size for xbar-r / xbar-s'),
    phaseI: z.number().int().min(2).default(25).describe('Points (subgroups) that estimate the limits when none are given'),
    rules: z
      .string()
      .default('nelson')
      .refine((spec) => {
        try {
          parseRules(spec);
          return true;
        } catch {
          return false;
        }
      }, "rules: use 'nelson', 'we', Nelson numbers such as '1,2,5', or ids such as 'we-2,nelson-7'")
      .describe("Rules to check: 'nelson' (1-8), 'we' (Western Electric 1-4), '1,2,5', or 'we-2,nelson-7'"),
    constants: z.enum(['exact', 'rounded']).default('exact').describe('Chart constants: exact, or rounded as printed tables'),
    limits: z
      .object({ location: line, dispersion: line, sigmaWithin: z.number().positive() })
      .strict()
      .optional()
      .describe('Frozen limits (from GET /api/v1/spc: limits.location, limits.dispersion, limits.sigmaWithin); default: estimate from phase I'),
  })
  .strict();

/**
 * The `spc` config block: tags watched live; violations are published at `$events/spc/<tag>`.
 *
 * @example
 * spc:
 *   monitors:
 *     - { tag: acme/berlin/machining/line-1/cnc-1/bore, chart: xbar-r, n: 5, phaseI: 25, rules: we }
 */
export const spcConfigSchema = z
  .object({
    monitors: z.array(monitorSchema).default([]).describe('Tags watched live with a control chart'),
  })
  .strict();

export type SpcConfig = z.output<typeof spcConfigSchema>;
export type SpcConfigInput = z.input<typeof spcConfigSchema>;

/** Starts one monitor per configured tag; `stop()` stops them all. */
export function startSpcMonitors(config: SpcConfig, bus: { source: SampleSource; sink: EventSink }): { monitors: SpcMonitor[]; stop(): void } {
  const monitors = config.monitors.map((m) => {
    const n = m.chart === 'imr' ? 1 : m.n;
    const monitor = new SpcMonitor({
      tag: m.tag,
      source: bus.source,
      sink: bus.sink,
      chart: m.chart,
      n,
      phaseI: m.phaseI,
      rules: parseRules(m.rules),
      constants: m.constants,
      limits: m.limits ? { chart: m.chart, n, constants: m.constants, ...m.limits, phaseISize: 0 } : undefined,
    });
    monitor.start();
    return monitor;
  });
  return { monitors, stop: () => monitors.forEach((m) => m.stop()) };
}
