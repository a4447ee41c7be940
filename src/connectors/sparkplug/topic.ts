// Sparkplug B topics: `spBv1.0/{group}/{type}/{edge}[/{device}]` and `spBv1.0/STATE/{host}`.

export const NAMESPACE = 'spBv1.0';

export const NODE_TYPES = ['NBIRTH', 'NDEATH', 'NDATA', 'NCMD'] as const;
export const DEVICE_TYPES = ['DBIRTH', 'DDEATH', 'DDATA', 'DCMD'] as const;
export type MessageType = (typeof NODE_TYPES)[number] | (typeof DEVICE_TYPES)[number];

export type SparkplugTopic =
  | { kind: 'state'; hostId: string }
  | { kind: 'node'; type: (typeof NODE_TYPES)[number]; group: string; node: string }
  | { kind: 'device'; type: (typeof DEVICE_TYPES)[number]; group: string; node: string; device: string };

/** Why a topic was refused: `bad_topic` (shape) or `bad_id` (an id with + / #, empty, or not UTF-8). */
export type TopicError = { error: 'bad_topic' | 'bad_id'; detail: string };

const NODE_SET = new Set<string>(NODE_TYPES);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const DEVICE_SET = new Set<string>(DEVICE_TYPES);

/**
 * Checks a Sparkplug id (group, edge node, device, host): non-empty UTF-8 without `+`, `/` or `#`.
 * A topic that arrived with invalid UTF-8 decodes with U+FFFD, and lone surrogates cannot be UTF-8:
 * both are refused.
 */
export function idError(id: string): string | undefined {
  if (id.length === 0) return 'is empty';
  if (/[+#/]/.test(id)) return 'contains + / or #';
  if (id.includes('\uFFFD')) return 'is not valid UTF-8';
  if (LONE_SURROGATE.test(id)) return 'is not valid UTF-8 (lone surrogate)';
  return undefined;
}

/**
 * Parses a topic. Device ids are required for D* messages and forbidden for N* and STATE.
 *
 * @example parseTopic('spBv1.0/plant/DDATA/line-1/press-1') // { kind: 'device', type: 'DDATA', group: 'plant', node: 'line-1', device: 'press-1' }
 */
export function parseTopic(topic: string): SparkplugTopic | TopicError {
  const parts = topic.split('/');
  if (parts[0] !== NAMESPACE) return { error: 'bad_topic', detail: `topic '${clip(topic)}' does not start with ${NAMESPACE}/` };
  if (parts[1] === 'STATE') {
    if (parts.length !== 3) return { error: 'bad_topic', detail: `STATE topic '${clip(topic)}' must be ${NAMESPACE}/STATE/{host_id}` };
    const bad = idError(parts[2]);
    return bad ? { error: 'bad_id', detail: `host id in '${clip(topic)}' ${bad}` } : { kind: 'state', hostId: parts[2] };
  }
  if (parts.length < 4 || parts.length > 5) return { error: 'bad_topic', detail: `topic '${clip(topic)}' must be ${NAMESPACE}/{group}/{type}/{edge_node}[/{device}]` };
  const [, group, type, node, device] = parts;
  const isNode = NODE_SET.has(type);
  if (!isNode && !DEVICE_SET.has(type)) return { error: 'bad_topic', detail: `'${clip(type)}' in '${clip(topic)}' is not a Sparkplug message type` };
  if (isNode && parts.length === 5) return { error: 'bad_topic', detail: `${type} topic '${clip(topic)}' must not name a device` };
  if (!isNode && parts.length === 4) return { error: 'bad_topic', detail: `${type} topic '${clip(topic)}' must name a device` };
  for (const [what, id] of [['group id', group], ['edge node id', node], ['device id', device]] as const) {
    if (id === undefined) continue;
    const bad = idError(id);
    if (bad) return { error: 'bad_id', detail: `${what} in '${clip(topic)}' ${bad}` };
  }
  return isNode
    ? { kind: 'node', type: type as (typeof NODE_TYPES)[number], group, node }
    : { kind: 'device', type: type as (typeof DEVICE_TYPES)[number], group, node, device: device as string };
}

export function isTopicError(value: SparkplugTopic | TopicError): value is TopicError {
  return 'error' in value;
}

/** Builds a topic; the ids are not checked here. */
export function formatTopic(group: string, type: MessageType, node: string, device?: string): string {
  return device === undefined ? `${NAMESPACE}/${group}/${type}/${node}` : `${NAMESPACE}/${group}/${type}/${node}/${device}`;
}

export function stateTopic(hostId: string): string {
  return `${NAMESPACE}/STATE/${hostId}`;
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
