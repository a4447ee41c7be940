/**
 * Statistical process control: control chart constants, X-bar/R, X-bar/s and individuals charts
 * (phase I estimation, phase II monitoring), Western Electric and Nelson rules, capability indices,
 * a live bus monitor and the `/api/v1/spc` routes. See README.md.
 */
export { chartConstants, c4, MIN_SUBGROUP, MAX_SUBGROUP, type ChartConstants, type ConstantsMode } from './constants.js';
export { rangeMoments, normalCdf } from './range-moments.js';
export { estimateLimits, chartPoints, toSubgroups, type PhaseISelection, type Subgroups } from './limits.js';
export { analyseChart, type AnalyseOptions, type ChartViolation, type SpcAnalysis } from './analyse.js';
export { detectViolations, parseRules, RULE_IDS, RULE_NAMES, type RuleId, type Violation, type Zones } from './rules.js';
export { capability, type Capability, type CapabilityInput, type SpecLimits } from './capability.js';
export { CHART_KINDS, type ChartKind, type ChartLimits, type ChartPoint, type LineLimits } from './types.js';
export { SpcMonitor, spcEventTopic, type SpcMonitorStatus, type SpcEvent, type SpcMonitorOptions, type SampleSource, type EventSink } from './monitor.js';
export { spcRoutes, MAX_SPC_SAMPLES, type SpcRouteDeps } from './routes.js';
export { spcConfigSchema, startSpcMonitors, type SpcConfig, type SpcConfigInput } from './config.js';
export { SpcEventLog } from './event-log.js';
