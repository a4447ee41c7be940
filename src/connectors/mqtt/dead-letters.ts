import type { DeadLetterReason } from '../../ingest/index.js';

/** Why the MQTT JSON connector refused a message or a value in it. Each is counted separately. */
export const MQTT_DEAD_LETTER_REASONS = [
  'bad_topic',
  'too_large',
  'not_utf8',
  'empty_payload',
  'malformed_json',
  'unmapped_topic',
  'unexpected_shape',
  'no_samples',
  'bad_name',
  'too_many_tags',
  'wrong_type',
  'bad_value',
  'bad_timestamp',
  'bad_quality',
  'internal_error',
] as const;

export type MqttDeadLetterReason = (typeof MQTT_DEAD_LETTER_REASONS)[number];

/** The message as received, bounded: the text (or base64 when not UTF-8), cut at 2,000 characters. */
export interface MqttDeadLetterInput {
  topic: string;
  payload: string;
  encoding: 'utf8' | 'base64';
  /** Size of the whole payload. */
  bytes: number;
}

/** Receives every refusal: wire it to the DeadLetterStore (see `toStoreReason`). */
export type MqttDeadLetterCallback = (reason: MqttDeadLetterReason, detail: string, raw: MqttDeadLetterInput) => void;

const PREVIEW_CHARS = 2_000;

export function deadLetterInput(topic: string, payload: Uint8Array, utf8: boolean): MqttDeadLetterInput {
  const buffer = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const safeTopic = topic.length > 500 ? `${topic.slice(0, 500)}…` : topic;
  if (utf8) return { topic: safeTopic, payload: buffer.subarray(0, PREVIEW_CHARS * 4).toString('utf8').slice(0, PREVIEW_CHARS), encoding: 'utf8', bytes: buffer.length };
  return { topic: safeTopic, payload: buffer.subarray(0, 1_500).toString('base64'), encoding: 'base64', bytes: buffer.length };
}

/**
 * The DeadLetterStore's coarser reason for one of ours (the store's list is shared by all sources).
 * @example deadLetters.add({ source: 'mqtt-json', reason: toStoreReason(reason), detail: `${reason}: ${detail}`, sample: raw })
 */
export function toStoreReason(reason: MqttDeadLetterReason): DeadLetterReason {
  switch (reason) {
    case 'wrong_type':
    case 'bad_value':
    case 'bad_timestamp':
    case 'bad_quality':
      return reason;
    case 'unmapped_topic':
    case 'bad_name':
    case 'too_many_tags':
      return 'unknown_tag';
    default:
      return 'malformed';
  }
}
