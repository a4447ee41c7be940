// PI-style data reduction for the historian: exception deadband, then swinging-door compression.
export { withCompression, type UnresolvedListener } from './compressing-historian.js';
export { compressionSchema, type CompressionConfig, type CompressionClass } from './config.js';
export { resolveCompression, DEFAULT_COMP_DEV_PERCENT, type ResolvedCompression } from './settings.js';
export { TagCompressor, errorBound, type CompressionSettings } from './tag-compressor.js';
export { deviation, type Deviation, type TimedValue } from './check.js';
