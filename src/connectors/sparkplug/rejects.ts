// Why the host refused an input. Each reason is counted in health().counters as `rejected_<reason>`
// and handed to the dead-letter callback with a sentence and the raw input.

export const REJECT_REASONS = [
  'bad_topic',
  'bad_id',
  'too_large',
  'malformed_payload',
  'bad_payload',
  'wrong_type',
  'unknown_alias',
  'undeclared_metric',
  'data_before_birth',
  'duplicate_alias',
  'bad_state',
  'internal_error',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

/** Called for every refused input: the reason, a sentence saying what and where, and the input. */
export type DeadLetterCallback = (reason: RejectReason, detail: string, raw: unknown) => void;

/** The Loom dead-letter store's reason for each host reason (the detail keeps the precise one). */
export function storeReason(reason: RejectReason): 'malformed' | 'unknown_tag' | 'wrong_type' | 'bad_value' {
  switch (reason) {
    case 'wrong_type':
      return 'wrong_type';
    case 'unknown_alias':
    case 'undeclared_metric':
    case 'data_before_birth':
      return 'unknown_tag';
    case 'duplicate_alias':
      return 'bad_value';
    default:
      return 'malformed';
  }
}

/** The raw input as kept in a dead letter: topic and at most 2 KiB of the payload, base64. */
export function rawInput(topic: string, payload: Uint8Array | undefined, extra?: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { topic };
  if (payload) {
    out.bytes = payload.length;
    out.payloadBase64 = Buffer.from(payload.buffer, payload.byteOffset, Math.min(payload.length, 2048)).toString('base64');
  }
  return extra ? { ...out, ...extra } : out;
}
