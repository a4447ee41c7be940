/**
 * Analytics: statistical process control (see spc/README.md). Each analytics area keeps its public
 * surface in its own folder's index.ts; this file lists what the rest of Loom uses.
 */
export {
  analyseChart,
  estimateLimits,
  capability,
  chartConstants,
  parseRules,
  SpcMonitor,
  spcEventTopic,
  spcRoutes,
  spcConfigSchema,
  startSpcMonitors,
  type SpcAnalysis,
  type ChartLimits,
  type ChartKind,
  type RuleId,
  type SpcEvent,
  type SpcMonitorOptions,
  type SpcRouteDeps,
  type SpcConfig,
} from './spc/index.js';
