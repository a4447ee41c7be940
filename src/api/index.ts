export { buildApi } from './server.js';
export { Telemetry } from './telemetry.js';
export { API_ERRORS, ApiError, type ApiErrorCode } from './errors.js';
export type { ApiDeps } from './deps.js';
