export type { Quality, DataType, SampleValue, Sample, TagRole, TagDefinition, AssetLevel, AssetNode } from './types.js';
export { isValidSegment, joinPath, parentPath, lastSegment, patternError, topicMatches } from './paths.js';
export { parseDuration, formatDuration } from './duration.js';
export {
  loomConfigSchema,
  type LoomConfig,
  type LoomConfigInput,
  type PlantConfig,
  type MachineConfig,
  type TagConfig,
} from './config-schema.js';
export { loadConfigFile, parseConfig, loadDemoConfig, DEMO_CONFIG_FILE, ConfigError, formatIssue, type ConfigIssue, type LoadedConfig } from './load-config.js';
export { TagRegistry, buildAssetTree, listMachines, declaredTags, type MachineRef } from './registry.js';
