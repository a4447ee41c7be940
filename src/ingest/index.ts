export { Ingest, type IngestStats } from './ingest.js';
export { normalizeSample, parseTimestamp, type Normalized } from './normalize.js';
export { DeadLetterStore, type DeadLetter, type DeadLetterReason, type DeadLetterStoreOptions } from './dead-letters.js';
