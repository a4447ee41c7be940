/**
 * Every error the API can answer with: a stable code, the HTTP status, and how to fix it.
 * `docs/errors.md` documents each code; a test keeps the two in step.
 */
export const API_ERRORS = {
  LOOM_BAD_TIME: { status: 400, hint: 'give times as ISO 8601 (2026-11-26T08:00:00Z) or milliseconds since the epoch' },
  LOOM_BAD_RANGE: { status: 400, hint: "make 'from' earlier than 'to'" },
  LOOM_BAD_BUCKET: { status: 400, hint: 'give the bucket as a duration such as 10s, 1m, 15m, 1h or 1d' },
  LOOM_TOO_MANY_BUCKETS: { status: 400, hint: 'use a wider bucket or step, or a shorter range' },
  LOOM_TOO_MANY_TAGS: { status: 400, hint: 'ask for at most 50 tags per request; split larger sets' },
  LOOM_BAD_AGGREGATE: { status: 400, hint: 'use one of avg, min, max, first, last, count, twa, stddev' },
  LOOM_BAD_PATTERN: { status: 400, hint: "use '/'-separated levels with '+' for one level and '#' (last) for any number" },
  LOOM_UNKNOWN_TAG: { status: 404, hint: 'list the known tags with GET /api/v1/tags?path=#' },
  LOOM_UNKNOWN_ASSET: { status: 404, hint: 'list the plant model with GET /api/v1/assets' },
  LOOM_NO_STATE_TAG: { status: 404, hint: "the asset has no tag with role 'state'" },
  LOOM_READ_ONLY_TAG: { status: 409, hint: 'only tags fed by a connector that can write (OPC UA, Modbus, Sparkplug, MQTT with a command topic) accept writes' },
  LOOM_BAD_VALUE: { status: 400, hint: "send a value of the tag's type (GET /api/v1/tags shows it)" },
  LOOM_WRITE_FAILED: { status: 502, hint: 'the machine or its connector refused or did not answer; the audit trail has the details' },
  LOOM_UNKNOWN_CONNECTOR: { status: 404, hint: 'list the connectors with GET /api/v1/system (OPC UA ones: GET /api/v1/connectors/opcua)' },
  LOOM_CONNECTOR_UNAVAILABLE: { status: 502, hint: "the connector cannot reach its server now: its lastError on the system page says why" },
  LOOM_BAD_MAPPING: { status: 400, hint: 'map each variable to <asset path>/<name> under an asset of GET /api/v1/assets, with a tag path no other source feeds' },
  LOOM_CONFIG_NOT_WRITABLE: { status: 409, hint: "start Loom with --config FILE whose opcua: list holds the connector, or send save: false to add the mappings for this run only" },
  LOOM_UNKNOWN_CERTIFICATE: { status: 404, hint: 'list the refused certificates with GET /api/v1/connectors/opcua/{id}/certificates' },
  LOOM_EXPORT_TOO_LARGE: { status: 400, hint: 'export fewer tags or a shorter range, in several requests, or use loom export on the server' },
  LOOM_IMPORT_REFUSED: { status: 400, hint: 'send a CSV (text/csv) or Parquet (application/vnd.apache.parquet) file of samples with a header and, where needed, a column mapping' },
  LOOM_UPLOAD_TOO_LARGE: { status: 413, hint: 'split the file, raise import.maxUploadBytes in the config, or run loom import on the server with Loom stopped' },
  LOOM_IMPORT_STOPPED: { status: 503, hint: 'the historian failed part-way; imports are idempotent, so send the file again once it is back' },
  LOOM_BAD_REQUEST: { status: 400, hint: 'check the request against the OpenAPI description at /docs' },
  LOOM_QUERY_FAILED: { status: 400, hint: 'check the query parameters; the message says what the historian refused' },
  LOOM_INTERNAL: { status: 500, hint: 'this is a bug: the server log has the details' },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** An error the API turns into `{ error: { code, message, hint } }` with the code's status. */
export class ApiError extends Error {
  readonly status: number;
  readonly hint: string;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.status = API_ERRORS[code].status;
    this.hint = API_ERRORS[code].hint;
  }
}
