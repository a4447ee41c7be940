import type { Quality, TagDefinition } from '../../model/index.js';
import type { RawSample } from '../types.js';
import { mappingRuleSchema, timestampSchema, type FieldMapping, type MappingRule, type MappingRuleInput, type TimestampSetting } from './config.js';
import { deadLetterInput, MQTT_DEAD_LETTER_REASONS, type MqttDeadLetterCallback, type MqttDeadLetterReason } from './dead-letters.js';
import { compileTopicPattern, fillTemplate, templateNames, toSegment, type TopicPattern } from './topic-template.js';
import { convertValue, describe, inferType, isQuality, readTimestamp } from './values.js';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** What the mapper needs of the tag registry. */
export interface TagSink {
  get(path: string): TagDefinition | undefined;
  upsert(tag: TagDefinition): TagDefinition;
}

export interface JsonMapperOptions {
  /** Connector id: the `source` of tags it creates. */
  id: string;
  rules: MappingRuleInput[];
  registry: TagSink;
  timestamp?: Partial<TimestampSetting>;
  maxPayloadBytes?: number;
  unmapped?: { action: 'refuse' | 'create'; root: string; maxTags: number };
  deadLetter?: MqttDeadLetterCallback;
}

/** Where a write to a tag goes. */
export interface CommandTarget {
  topic: string;
  qos: 0 | 1;
  scale: number;
  offset: number;
  timestampField: string;
}

interface CompiledRule {
  label: string;
  rule: MappingRule;
  pattern: TopicPattern;
  single: FieldMapping | undefined;
  fields: Map<string, FieldMapping> | undefined;
  timestamp: TimestampSetting;
}

interface TagInfo {
  path: string;
  type: TagDefinition['type'];
  scale: number;
  offset: number;
}

interface TopicEntry {
  rule: CompiledRule | undefined;
  captures: Record<string, string>;
  asset: string;
  /** Asset of a single value: the rule's path, or for auto-created topics the topic without its last level. */
  singleAsset: string;
  /** Auto-created topics: the last level, the tag name of a single value. */
  leaf: string;
  timestamp: TimestampSetting;
  tags: Map<string, TagInfo>;
}

type Refusal = { reason: MqttDeadLetterReason; detail: string };

const TOPIC_CACHE_LIMIT = 20_000;
const SINGLE = '\u0000value';
const QUALITY_FIELD = 'quality';

/**
 * Turns MQTT messages with JSON payloads into raw samples on UNS paths, by mapping rules; pure (no
 * I/O), so tests and the fuzzer drive it directly. Every message either yields samples or is counted
 * and handed to the dead-letter callback with its reason; it never throws.
 *
 * @example
 * const mapper = new JsonMapper({ id: 'mqtt-json', registry, rules: [
 *   { topic: 'factory/{line}/{machine}/telemetry', path: 'acme/berlin/{line}/{machine}',
 *     fields: { temp: { tag: 'temperature', unit: 'degC' }, rpm: 'spindle_speed' } },
 * ] });
 * const out: RawSample[] = [];
 * mapper.handle('factory/line-1/press-1/telemetry', Buffer.from('{"temp":61.5,"rpm":1200}'), Date.now(), out);
 */
export class JsonMapper {
  readonly rules: readonly CompiledRule[];
  readonly counters = { messages: 0, samples: 0, deadLetters: 0, tagsCreated: 0, fieldsIgnored: 0 };
  readonly rejected: Record<MqttDeadLetterReason, number>;
  private readonly topics = new Map<string, TopicEntry | Refusal>();
  private readonly commands = new Map<string, CommandTarget>();
  private readonly timestamp: TimestampSetting;
  private readonly maxPayloadBytes: number;
  private readonly unmapped: { action: 'refuse' | 'create'; root: string; maxTags: number };
  private readonly registry: TagSink;
  private readonly id: string;
  private readonly deadLetter: MqttDeadLetterCallback | undefined;
  // Per message: refusals so far, to tell "nothing in it" from "everything in it refused".
  private refusals = 0;

  constructor(options: JsonMapperOptions) {
    this.id = options.id;
    this.registry = options.registry;
    this.timestamp = timestampSchema.parse(options.timestamp ?? {});
    this.maxPayloadBytes = options.maxPayloadBytes ?? 1_048_576;
    this.unmapped = options.unmapped ?? { action: 'refuse', root: 'mqtt', maxTags: 10_000 };
    this.deadLetter = options.deadLetter;
    this.rejected = Object.fromEntries(MQTT_DEAD_LETTER_REASONS.map((r) => [r, 0])) as Record<MqttDeadLetterReason, number>;
    if (this.unmapped.action === 'create') {
      const bad = this.unmapped.root.split('/').find((s) => toSegment(s) !== s || s === '');
      if (bad !== undefined) throw new Error(`unmapped.root '${this.unmapped.root}': segment '${bad}' is not a valid path segment (lower-case letters, digits, '-' and '_')`);
    }
    this.rules = options.rules.map((input, i) => this.compileRule(input, i));
    for (const rule of this.rules) if (rule.pattern.captures.length === 0) this.indexStaticCommands(rule);
  }

  /**
   * Maps one message; appends its samples to `out` and returns how many. Refusals are counted and
   * dead-lettered; nothing is thrown.
   */
  handle(topic: string, payload: Uint8Array, receivedAt: number, out: RawSample[]): number {
    this.counters.messages++;
    const before = out.length;
    this.refusals = 0;
    try {
      this.decode(topic, payload, receivedAt, out);
      if (out.length === before && this.refusals === 0) {
        this.refuse('no_samples', `message on '${topic}' holds no value any rule maps (an empty list, or an object without mapped fields)`, topic, payload, true);
      }
    } catch (error) {
      out.length = before;
      this.refuse('internal_error', `mapping the message on '${topic}' failed: ${(error as Error)?.message}`, topic, payload, false);
    }
    const added = out.length - before;
    this.counters.samples += added;
    return added;
  }

  /** Topic filters to subscribe to, with their QoS. */
  subscriptions(defaultQos: 0 | 1, extra: readonly string[] = []): Array<{ topic: string; qos: 0 | 1 }> {
    const seen = new Map<string, 0 | 1>();
    for (const rule of this.rules) seen.set(rule.pattern.subscription, Math.max(seen.get(rule.pattern.subscription) ?? 0, rule.rule.qos ?? defaultQos) as 0 | 1);
    for (const topic of extra) seen.set(topic, Math.max(seen.get(topic) ?? 0, defaultQos) as 0 | 1);
    return [...seen].map(([topic, qos]) => ({ topic, qos }));
  }

  /** Tags of rules without captures whose type is configured: known before any message arrives. */
  staticTagDefinitions(): TagDefinition[] {
    const defs: TagDefinition[] = [];
    for (const rule of this.rules) {
      if (rule.pattern.captures.length > 0) continue;
      const asset = rule.rule.path;
      for (const mapping of mappings(rule)) {
        if (mapping.type === undefined || templateNames(mapping.tag).length > 0) continue;
        defs.push(definition(asset, toSegment(mapping.tag), mapping.type, mapping, this.id));
      }
    }
    return defs;
  }

  /** Where a write to `path` goes, or why it cannot be written. */
  commandFor(path: string): CommandTarget | string {
    const target = this.commands.get(path);
    if (target) return target;
    const owner = this.rules.find((r) => this.topicsFeeding(r, path));
    if (owner && !owner.rule.command) return `tag '${path}' has no command topic: add 'command:' (e.g. '${owner.rule.topic.replace(/\/[^/]*$/, '')}/cmd/{tag}') to its mapping rule '${owner.rule.topic}'`;
    return `tag '${path}' is not fed by MQTT connector '${this.id}' (or no message has arrived for it yet): a write needs a mapping rule with a 'command' topic`;
  }

  /** Per-reason refusal counts, as `dead_<reason>`, plus the totals: for `health().counters`. */
  counterSnapshot(): Record<string, number> {
    const out: Record<string, number> = { ...this.counters };
    for (const reason of MQTT_DEAD_LETTER_REASONS) out[`dead_${reason}`] = this.rejected[reason];
    return out;
  }

  private topicsFeeding(rule: CompiledRule, path: string): boolean {
    for (const entry of this.topics.values()) if ('tags' in entry && entry.rule === rule) for (const info of entry.tags.values()) if (info.path === path) return true;
    return false;
  }

  private compileRule(input: MappingRuleInput, index: number): CompiledRule {
    const label = `rules[${index}] (topic '${input.topic}')`;
    const parsed = mappingRuleSchema.safeParse(input);
    if (!parsed.success) throw new Error(`${label}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'rule'}: ${i.message}`).join('; ')}`);
    const rule = parsed.data;
    let pattern: TopicPattern;
    try {
      pattern = compileTopicPattern(rule.topic);
    } catch (error) {
      throw new Error(`${label}: ${(error as Error).message}`);
    }
    const known = new Set(pattern.captures);
    const check = (what: string, template: string, extra: string[] = []) => {
      const missing = templateNames(template).filter((n) => !known.has(n) && !extra.includes(n));
      if (missing.length > 0) throw new Error(`${label}: ${what} '${template}' uses {${missing.join('}, {')}}, which the topic does not capture (it captures ${pattern.captures.length > 0 ? `{${pattern.captures.join('}, {')}}` : 'nothing'})`);
    };
    check('path', rule.path);
    const skeleton = fillTemplate(rule.path, {}, () => 'x');
    const badSegment = skeleton.split('/').find((s) => toSegment(s) !== s || s === '');
    if (badSegment !== undefined) throw new Error(`${label}: path '${rule.path}' has segment '${badSegment}': use lower-case letters, digits, '-' and '_' (captures are made so)`);
    const norm = (m: string | FieldMapping | undefined): FieldMapping | undefined => (m === undefined ? undefined : typeof m === 'string' ? { tag: m, scale: 1, offset: 0 } : m);
    const single = norm(rule.tag);
    const fields = rule.fields ? new Map(Object.entries(rule.fields).map(([k, v]) => [k, norm(v)!])) : undefined;
    if (!single && !fields) throw new Error(`${label}: give 'tag' (one value per topic) or 'fields' (object payloads: field -> tag)`);
    for (const mapping of [single, ...(fields?.values() ?? [])]) if (mapping) check('tag', mapping.tag);
    if (rule.command) check('command', rule.command, ['tag']);
    return { label, rule, pattern, single, fields, timestamp: rule.timestamp ?? this.timestamp };
  }

  private indexStaticCommands(rule: CompiledRule): void {
    if (!rule.rule.command) return;
    for (const mapping of mappings(rule)) {
      const name = toSegment(mapping.tag);
      if (name) this.commands.set(`${rule.rule.path}/${name}`, this.target(rule, {}, name, mapping));
    }
  }

  private target(rule: CompiledRule, captures: Record<string, string>, name: string, mapping: FieldMapping): CommandTarget {
    return {
      topic: fillTemplate(rule.rule.command!, { ...captures, tag: name }),
      qos: rule.rule.qos ?? 1,
      scale: mapping.scale,
      offset: mapping.offset,
      timestampField: rule.timestamp.field,
    };
  }

  private decode(topic: string, payload: Uint8Array, receivedAt: number, out: RawSample[]): void {
    if (typeof topic !== 'string' || topic.length === 0 || topic.includes('+') || topic.includes('#') || topic.includes('\u0000')) {
      return this.refuse('bad_topic', `topic ${JSON.stringify(String(topic).slice(0, 200))} is not a valid MQTT topic name (empty, or holds +, # or NUL)`, String(topic), payload, false);
    }
    if (payload.byteLength > this.maxPayloadBytes) {
      return this.refuse('too_large', `payload on '${topic}' is ${payload.byteLength} bytes, over the limit of ${this.maxPayloadBytes} (maxPayloadBytes)`, topic, payload, false);
    }
    // One pass decodes and checks the encoding (a check and a separate toString read the bytes twice).
    let text: string;
    try {
      text = STRICT_UTF8.decode(payload);
    } catch {
      return this.refuse('not_utf8', `payload on '${topic}' is not UTF-8 text: JSON payloads must be UTF-8`, topic, payload, false);
    }
    const entry = this.entryFor(topic);
    if (!('tags' in entry)) return this.refuse(entry.reason, entry.detail, topic, payload, true);
    if (payload.byteLength === 0) return this.refuse('empty_payload', `empty payload on '${topic}' (a retained message being cleared?)`, topic, payload, true);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return this.refuse('malformed_json', `payload on '${topic}' is not JSON: ${(error as Error).message}`, topic, payload, true);
    }
    if (Array.isArray(json)) {
      for (let i = 0; i < json.length; i++) {
        const item: unknown = json[i];
        if (item === null || typeof item !== 'object' || Array.isArray(item)) {
          this.refuse('unexpected_shape', `element ${i} of the list on '${topic}' is ${describe(item)}: list elements must be objects ({"value":..,"timestamp":..} or field objects)`, topic, payload, true);
          continue;
        }
        this.object(entry, item as Record<string, unknown>, receivedAt, out, topic, payload);
      }
      return;
    }
    if (json !== null && typeof json === 'object') return this.object(entry, json as Record<string, unknown>, receivedAt, out, topic, payload);
    // A plain value: 23.5, true, "text" (null has no value to store).
    if (json === null) return this.refuse('wrong_type', `payload on '${topic}' is null: there is no value to store`, topic, payload, true);
    const single = this.singleMapping(entry);
    if (!single) return this.refuse('unexpected_shape', `plain value on '${topic}' but rule '${entry.rule!.rule.topic}' maps object fields only (add 'tag:' for single values)`, topic, payload, true);
    this.emit(entry, SINGLE, single, json, receivedAt, 'good', out, topic, payload);
  }

  private object(entry: TopicEntry, obj: Record<string, unknown>, receivedAt: number, out: RawSample[], topic: string, payload: Uint8Array): void {
    const setting = entry.timestamp;
    let ts = receivedAt;
    if (Object.hasOwn(obj, setting.field)) {
      const parsed = readTimestamp(obj[setting.field], setting.format);
      if (parsed === undefined) {
        return this.refuse('bad_timestamp', `timestamp field '${setting.field}' on '${topic}' is ${describe(obj[setting.field])}, not a time (${setting.format === 'auto' ? 'ms or s since the epoch, or ISO 8601' : setting.format}) between 1990 and 2200`, topic, payload, true);
      }
      ts = parsed;
    }
    let quality: Quality = 'good';
    if (Object.hasOwn(obj, QUALITY_FIELD)) {
      const q = obj[QUALITY_FIELD];
      if (!isQuality(q)) return this.refuse('bad_quality', `quality on '${topic}' is ${describe(q)}: use "good", "uncertain" or "bad"`, topic, payload, true);
      quality = q;
    }
    const rule = entry.rule;
    const single = this.singleMapping(entry);
    if (single && Object.hasOwn(obj, 'value') && !rule?.fields?.has('value')) {
      return this.emit(entry, SINGLE, single, obj.value, ts, quality, out, topic, payload);
    }
    if (rule && !rule.fields) {
      return this.refuse('unexpected_shape', `object on '${topic}' has no "value" field, and rule '${rule.rule.topic}' maps a single value (add 'fields:' to map object fields)`, topic, payload, true);
    }
    const createOthers = !rule || rule.rule.otherFields === 'create';
    if (rule?.fields) {
      for (const [key, mapping] of rule.fields) if (Object.hasOwn(obj, key)) this.emit(entry, key, mapping, obj[key], ts, quality, out, topic, payload);
    }
    for (const key of Object.keys(obj)) {
      if (key === setting.field || key === QUALITY_FIELD || rule?.fields?.has(key)) continue;
      if (createOthers) this.emit(entry, key, { tag: key, scale: 1, offset: 0 }, obj[key], ts, quality, out, topic, payload);
      else this.counters.fieldsIgnored++;
    }
  }

  private singleMapping(entry: TopicEntry): FieldMapping | undefined {
    return entry.rule ? entry.rule.single : { tag: entry.leaf, scale: 1, offset: 0 };
  }

  private emit(entry: TopicEntry, key: string, mapping: FieldMapping, value: unknown, ts: number, quality: Quality, out: RawSample[], topic: string, payload: Uint8Array): void {
    let info = entry.tags.get(key);
    if (!info) {
      const resolved = this.resolveTag(entry, key, mapping, value);
      if ('reason' in resolved) return this.refuse(resolved.reason, resolved.detail, topic, payload, true);
      info = resolved;
      entry.tags.set(key, info);
    }
    // The common case (an unscaled finite number for a number tag) without convertValue's result object.
    if (typeof value === 'number' && info.type === 'number' && info.scale === 1 && info.offset === 0 && Number.isFinite(value)) {
      out.push({ tag: info.path, ts, value, quality });
      return;
    }
    const converted = convertValue(value, info.type, info.scale, info.offset, info.path);
    if (!converted.ok) return this.refuse(converted.reason, `${converted.detail} (topic '${topic}'${key === SINGLE ? '' : `, field '${key}'`})`, topic, payload, true);
    out.push({ tag: info.path, ts, value: converted.value, quality });
  }

  private resolveTag(entry: TopicEntry, key: string, mapping: FieldMapping, value: unknown): TagInfo | Refusal {
    // An auto-created single value takes the topic's last level as its name, and its parent as the asset.
    const auto = !entry.rule;
    const single = key === SINGLE;
    const name = auto && single ? entry.leaf : fillTemplate(mapping.tag, entry.captures, toSegment);
    const segment = toSegment(name);
    if (segment === '') return { reason: 'bad_name', detail: `${single ? 'tag name' : `field '${key.slice(0, 100)}'`} gives no usable tag name (use letters or digits)` };
    const asset = auto && single ? entry.singleAsset : entry.asset;
    const path = `${asset}/${segment}`;
    const existing = this.registry.get(path);
    let type = existing?.type;
    if (!existing) {
      if (this.counters.tagsCreated >= this.unmapped.maxTags) {
        return { reason: 'too_many_tags', detail: `'${path}' would be tag ${this.counters.tagsCreated + 1}, over unmapped.maxTags (${this.unmapped.maxTags}) for connector '${this.id}'` };
      }
      type = mapping.type ?? inferType(value);
      this.registry.upsert(definition(asset, segment, type, mapping, this.id));
      this.counters.tagsCreated++;
    }
    if (entry.rule?.rule.command) this.commands.set(path, this.target(entry.rule, entry.captures, segment, mapping));
    return { path, type: type!, scale: mapping.scale, offset: mapping.offset };
  }

  private entryFor(topic: string): TopicEntry | Refusal {
    const cached = this.topics.get(topic);
    if (cached) return cached;
    const entry = this.buildEntry(topic);
    if (this.topics.size >= TOPIC_CACHE_LIMIT) this.topics.clear();
    this.topics.set(topic, entry);
    return entry;
  }

  private buildEntry(topic: string): TopicEntry | Refusal {
    for (const rule of this.rules) {
      const captures = rule.pattern.match(topic);
      if (!captures) continue;
      const empty = Object.entries(captures).find(([, v]) => toSegment(v) === '');
      if (empty) {
        return { reason: 'bad_topic', detail: `topic '${topic}': level ${JSON.stringify(empty[1])} captured as {${empty[0]}} cannot become a path segment (it needs a letter or digit)` };
      }
      const asset = fillTemplate(rule.rule.path, captures, toSegment);
      return { rule, captures, asset, singleAsset: asset, leaf: '', timestamp: rule.timestamp, tags: new Map() };
    }
    if (this.unmapped.action === 'refuse') {
      return { reason: 'unmapped_topic', detail: `no mapping rule matches topic '${topic}' and unmapped.action is 'refuse': add a rule, or set unmapped.action to 'create'` };
    }
    const levels = topic.split('/').map(toSegment);
    const bad = levels.findIndex((l) => l === '');
    if (bad >= 0) return { reason: 'bad_topic', detail: `topic '${topic}': level ${bad + 1} ${JSON.stringify(topic.split('/')[bad])} cannot become a path segment (it needs a letter or digit)` };
    // Object payloads: <root>/<levels>/<field>; single values: <root>/<levels> (the last level is the tag).
    const assetForFields = `${this.unmapped.root}/${levels.join('/')}`;
    const singleAsset = [this.unmapped.root, ...levels.slice(0, -1)].join('/');
    return { rule: undefined, captures: {}, asset: assetForFields, singleAsset, leaf: levels.at(-1)!, timestamp: this.timestamp, tags: new Map() };
  }

  private refuse(reason: MqttDeadLetterReason, detail: string, topic: string, payload: Uint8Array, utf8: boolean): void {
    this.refusals++;
    this.rejected[reason]++;
    this.counters.deadLetters++;
    if (this.deadLetter) {
      try {
        this.deadLetter(reason, detail, deadLetterInput(topic, payload, utf8));
      } catch {
        // A failing dead-letter sink must not stop ingestion; the count above stays.
      }
    }
  }
}

function mappings(rule: CompiledRule): FieldMapping[] {
  return [...(rule.single ? [rule.single] : []), ...(rule.fields?.values() ?? [])];
}

function definition(asset: string, name: string, type: TagDefinition['type'], mapping: FieldMapping, source: string): TagDefinition {
  const def: TagDefinition = { path: `${asset}/${name}`, asset, name, type, source };
  if (mapping.unit !== undefined) def.unit = mapping.unit;
  if (mapping.description !== undefined) def.description = mapping.description;
  if (mapping.min !== undefined) def.min = mapping.min;
  if (mapping.max !== undefined) def.max = mapping.max;
  if (mapping.role !== undefined) def.role = mapping.role;
  if (mapping.states !== undefined) def.states = { ...mapping.states };
  return def;
}
