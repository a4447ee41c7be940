// The host application's message handler, without MQTT: topic + payload in; samples, tag
// registrations, rebirth requests and dead letters out. It never throws (see `handle`).
import { lastSegment, parentPath, type SampleValue, type TagDefinition } from '../../model/index.js';
import type { RawSample } from '../types.js';
import { decodeRaw, longNumber, longValue, readValue, type RawMessage } from './codec.js';
import { DataTypes, dataTypeName, isKnownDataType, loomType } from './datatypes.js';
import { MetricScope, NodeSession, type MetricInfo, type PendingMessage, type TagAddress } from './host-session.js';
import { metricPath, type AssetMapper } from './naming.js';
import { rawInput, type DeadLetterCallback, type RejectReason } from './rejects.js';
import { isTopicError, parseTopic } from './topic.js';

export interface HostEngineOptions {
  connectorId: string;
  hostId: string;
  mapper: AssetMapper;
  reorderTimeoutMs: number;
  rebirthIntervalMs: number;
  maxPayloadBytes: number;
  registerTag(tag: TagDefinition): void;
  publish(samples: RawSample[]): void;
  /** Send NCMD `Node Control/Rebirth` = true to this node. */
  sendRebirth(group: string, node: string, reason: string): void;
  /** Our own STATE topic said offline (a stale will, or someone else): publish online again. */
  onOwnOffline(): void;
  deadLetter?: DeadLetterCallback;
  now?: () => number;
}

/** Most messages held back for one node while a seq gap is open; more closes the gap at once. */
const MAX_PENDING = 256;
const has = (message: object, field: string) => Object.prototype.hasOwnProperty.call(message, field);

export class HostEngine {
  readonly counters: Record<string, number> = {
    messages: 0,
    metrics: 0,
    samples: 0,
    nodeBirths: 0,
    nodeDeaths: 0,
    deviceBirths: 0,
    deviceDeaths: 0,
    deathsIgnored: 0,
    outOfOrder: 0,
    reorderTimeouts: 0,
    rebirthRequests: 0,
    rebirthsSuppressed: 0,
    historical: 0,
    nullValues: 0,
    precisionLoss: 0,
    commandsSeen: 0,
    stateMessages: 0,
    rejected: 0,
  };
  private readonly sessions = new Map<string, NodeSession>();
  private readonly byPath = new Map<string, TagAddress>();
  private readonly now: () => number;
  private out: RawSample[] = [];

  constructor(private readonly options: HostEngineOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Handles one MQTT message. Never throws: a bug is counted as `internal_error` and dead-lettered. */
  handle(topic: string, payload: Uint8Array, receivedAt = this.now()): void {
    this.counters.messages++;
    try {
      this.dispatch(topic, payload, receivedAt);
    } catch (error) {
      this.reject('internal_error', `handling '${topic}' failed: ${(error as Error).message}`, rawInput(topic, payload));
    }
    this.flush();
  }

  /** The broker connection was lost: every live node and device goes stale now, and must rebirth. */
  connectionLost(ts = this.now()): void {
    for (const session of this.sessions.values()) if (session.born) this.killNode(session, ts);
    this.flush();
  }

  /** Where a tag this host feeds lives (for writes). */
  address(tag: string): TagAddress | undefined {
    return this.byPath.get(tag);
  }

  /** Nodes and devices currently online, for health. */
  online(): { nodes: number; devices: number } {
    let nodes = 0;
    let devices = 0;
    for (const s of this.sessions.values()) {
      if (!s.born) continue;
      nodes++;
      for (const d of s.devices.values()) if (d.born) devices++;
    }
    return { nodes, devices };
  }

  close(): void {
    for (const s of this.sessions.values()) clearTimeout(s.reorderTimer);
  }

  // ---- dispatch ----

  private dispatch(topic: string, payload: Uint8Array, receivedAt: number): void {
    if (payload.length > this.options.maxPayloadBytes) {
      this.reject('too_large', `payload on '${topic.slice(0, 200)}' is ${payload.length} bytes, over the ${this.options.maxPayloadBytes}-byte limit (maxPayloadBytes)`, rawInput(topic, payload));
      return;
    }
    const parsed = parseTopic(topic);
    if (isTopicError(parsed)) {
      this.reject(parsed.error, parsed.detail, rawInput(topic, payload));
      return;
    }
    if (parsed.kind === 'state') {
      this.counters.stateMessages++;
      if (parsed.hostId === this.options.hostId) this.ownState(topic, payload);
      return;
    }
    if (parsed.type === 'NCMD' || parsed.type === 'DCMD') {
      this.counters.commandsSeen++;
      return;
    }
    let message: RawMessage;
    try {
      message = decodeRaw(payload);
    } catch (error) {
      this.reject('malformed_payload', `${parsed.type} on '${topic}' is not a Sparkplug B protobuf: ${(error as Error).message}`, rawInput(topic, payload));
      this.requestRebirth(parsed.group, parsed.node, 'undecodable payload');
      return;
    }
    const { group, node } = parsed;
    if (parsed.type === 'NBIRTH') return this.nodeBirth(group, node, topic, message, receivedAt);
    if (parsed.type === 'NDEATH') return this.nodeDeath(group, node, message, receivedAt);

    const session = this.sessions.get(sessionKey(group, node));
    if (!session || !session.born) {
      this.reject('data_before_birth', `${parsed.type} on '${topic}' before the node's NBIRTH`, rawInput(topic, payload));
      this.requestRebirth(group, node, `${parsed.type} before NBIRTH`);
      return;
    }
    if (!has(message, 'seq')) {
      this.reject('bad_payload', `${parsed.type} on '${topic}' has no seq`, rawInput(topic, payload));
      this.requestRebirth(group, node, 'message without seq');
      return;
    }
    const seq = longNumber(message.seq);
    const pending: PendingMessage = { seq, type: parsed.type as PendingMessage['type'], topic, payload: message, receivedAt };
    if (parsed.kind === 'device') pending.device = parsed.device;
    this.inSequence(session, pending);
  }

  private ownState(topic: string, payload: Uint8Array): void {
    let state: unknown;
    try {
      state = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('utf8'));
    } catch {
      state = undefined;
    }
    if (typeof state !== 'object' || state === null || typeof (state as { online?: unknown }).online !== 'boolean') {
      this.reject('bad_state', `STATE on '${topic}' is not {"online":boolean,"timestamp":number}`, rawInput(topic, payload));
      return;
    }
    if ((state as { online: boolean }).online === false) this.options.onOwnOffline();
  }

  // ---- seq ----

  private inSequence(session: NodeSession, message: PendingMessage): void {
    const expected = (session.lastSeq + 1) % 256;
    if (message.seq !== expected) {
      this.counters.outOfOrder++;
      session.pending.set(message.seq, message);
      if (session.pending.size > MAX_PENDING) return this.closeGap(session);
      session.reorderTimer ??= setTimeout(() => {
        this.closeGap(session);
        this.flush();
      }, this.options.reorderTimeoutMs);
      session.reorderTimer.unref?.();
      return;
    }
    this.process(session, message);
    // Messages that arrived early and are next now.
    let next = session.pending.get((session.lastSeq + 1) % 256);
    while (next && session.born) {
      session.pending.delete(next.seq);
      this.process(session, next);
      next = session.pending.get((session.lastSeq + 1) % 256);
    }
    if (session.pending.size === 0) this.clearGap(session);
  }

  /** The reorder timeout expired (or too much is held back): process what came, in seq order, and ask for a rebirth. */
  private closeGap(session: NodeSession): void {
    this.counters.reorderTimeouts++;
    const held = [...session.pending.values()];
    const base = session.lastSeq;
    held.sort((a, b) => ((a.seq - base + 256) % 256) - ((b.seq - base + 256) % 256));
    this.clearGap(session);
    for (const message of held) if (session.born) this.process(session, message);
    this.requestRebirth(session.group, session.node, `seq gap after ${base} not filled within ${this.options.reorderTimeoutMs} ms`);
  }

  private clearGap(session: NodeSession): void {
    clearTimeout(session.reorderTimer);
    session.reorderTimer = undefined;
    session.pending.clear();
  }

  private process(session: NodeSession, message: PendingMessage): void {
    session.lastSeq = message.seq;
    const { payload, topic, receivedAt } = message;
    const payloadTs = has(payload, 'timestamp') ? longNumber(payload.timestamp) : receivedAt;
    if (message.type === 'NDATA') return this.data(session, session, topic, payload, payloadTs);
    const deviceId = message.device as string;
    let device = session.devices.get(deviceId);
    if (message.type === 'DBIRTH') {
      if (!device) {
        device = new MetricScope(this.options.mapper.assetFor(session.group, session.node, deviceId));
        session.devices.set(deviceId, device);
      }
      this.counters.deviceBirths++;
      this.birth(session, device, deviceId, topic, payload, payloadTs);
      return;
    }
    if (!device || !device.born) {
      this.reject('data_before_birth', `${message.type} on '${topic}' before the device's DBIRTH`, { topic, seq: message.seq });
      this.requestRebirth(session.group, session.node, `${message.type} before DBIRTH`);
      return;
    }
    if (message.type === 'DDATA') return this.data(session, device, topic, payload, payloadTs);
    // DDEATH: the device's metrics go stale at the payload's time.
    this.counters.deviceDeaths++;
    this.markStale(device, payloadTs);
    device.born = false;
  }

  // ---- births and deaths ----

  private nodeBirth(group: string, node: string, topic: string, message: RawMessage, receivedAt: number): void {
    const key = sessionKey(group, node);
    let session = this.sessions.get(key);
    if (!session) {
      session = new NodeSession(group, node, this.options.mapper.assetFor(group, node));
      this.sessions.set(key, session);
    }
    this.clearGap(session);
    this.counters.nodeBirths++;
    const bdSeqMetric = ((message.metrics as RawMessage[]) ?? []).find((m) => m.name === 'bdSeq');
    session.bdSeq = bdSeqMetric && bdSeqMetric.value === 'longValue' ? longValue(bdSeqMetric.longValue) : undefined;
    if (session.bdSeq === undefined) this.counters.birthsWithoutBdSeq = (this.counters.birthsWithoutBdSeq ?? 0) + 1;
    session.lastSeq = has(message, 'seq') ? longNumber(message.seq) % 256 : 0;
    // A new NBIRTH invalidates the devices until their own DBIRTH, and allows a new rebirth request at once.
    for (const device of session.devices.values()) device.born = false;
    session.lastRebirthAt = Number.NEGATIVE_INFINITY;
    session.templates.clear();
    const ts = has(message, 'timestamp') ? longNumber(message.timestamp) : receivedAt;
    this.birth(session, session, undefined, topic, message, ts);
  }

  private nodeDeath(group: string, node: string, message: RawMessage, receivedAt: number): void {
    const session = this.sessions.get(sessionKey(group, node));
    const bdSeqMetric = ((message.metrics as RawMessage[]) ?? []).find((m) => m.name === 'bdSeq');
    const bdSeq = bdSeqMetric && bdSeqMetric.value === 'longValue' ? longValue(bdSeqMetric.longValue) : undefined;
    if (!session || !session.born || bdSeq === undefined || bdSeq !== session.bdSeq) {
      // A will from an older connection (or no bdSeq at all): the node is not dead.
      this.counters.deathsIgnored++;
      return;
    }
    this.counters.nodeDeaths++;
    this.killNode(session, receivedAt);
  }

  private killNode(session: NodeSession, ts: number): void {
    this.clearGap(session);
    this.markStale(session, ts);
    for (const device of session.devices.values()) {
      if (device.born) this.markStale(device, ts);
      device.born = false;
    }
    session.born = false;
  }

  private markStale(scope: MetricScope, ts: number): void {
    for (const info of scope.leaves) {
      if (info.lastValue === undefined || info.path === undefined) continue;
      this.out.push({ tag: info.path, ts, value: info.lastValue, quality: 'bad' });
    }
  }

  /** Registers the metrics of an NBIRTH or DBIRTH, and publishes their values. */
  private birth(session: NodeSession, scope: MetricScope, device: string | undefined, topic: string, message: RawMessage, ts: number): void {
    for (const info of scope.leaves) if (info.path) this.byPath.delete(info.path);
    scope.reset();
    const metrics = (message.metrics as RawMessage[]) ?? [];
    const used = new Set<string>();
    for (const m of metrics) {
      if (m.value === 'templateValue' && (m.templateValue as RawMessage).isDefinition) {
        if (typeof m.name === 'string') session.templates.set(m.name, m.templateValue as RawMessage);
        continue;
      }
      const info = this.declare(session, scope, device, topic, m, scope.asset, used);
      if (!info) continue;
      if (info.alias !== undefined) {
        if (scope.byAlias.has(info.alias)) {
          this.reject('duplicate_alias', `alias ${info.alias} of '${info.name}' on '${topic}' is already used by '${scope.byAlias.get(info.alias)?.name}'`, { topic, metric: info.name });
          continue;
        }
        scope.byAlias.set(info.alias, info);
      }
      scope.byName.set(info.name, info);
      this.sample(info, m, ts, topic);
    }
    scope.born = true;
  }

  /** One declared metric: checks it, gives it a path (templates: their members) and registers the tags. */
  private declare(session: NodeSession, scope: MetricScope, device: string | undefined, topic: string, m: RawMessage, base: string, used: Set<string>): MetricInfo | undefined {
    if (typeof m.name !== 'string' || m.name.length === 0) {
      this.reject('bad_payload', `a metric in the BIRTH on '${topic}' has no name`, { topic });
      return undefined;
    }
    const datatype = has(m, 'datatype') ? (m.datatype as number) : 0;
    if (!isKnownDataType(datatype) || datatype === DataTypes.PropertySet || datatype === DataTypes.PropertySetList) {
      this.reject('wrong_type', `metric '${m.name}' in the BIRTH on '${topic}' has datatype ${dataTypeName(datatype)}, which cannot be a metric`, { topic, metric: m.name });
      return undefined;
    }
    const info: MetricInfo = { name: m.name, datatype };
    if (has(m, 'alias')) info.alias = longValue(m.alias);
    let path = `${base}/${metricPath(m.name)}`;
    if (used.has(path)) {
      let n = 2;
      while (used.has(`${path}_${n}`)) n++;
      path = `${path}_${n}`;
      this.counters.pathCollisions = (this.counters.pathCollisions ?? 0) + 1;
    }
    used.add(path);
    if (datatype === DataTypes.Template) {
      info.members = new Map();
      const instance = m.value === 'templateValue' ? (m.templateValue as RawMessage) : undefined;
      if (instance && typeof instance.templateRef === 'string') info.templateRef = instance.templateRef;
      const definition = info.templateRef === undefined ? undefined : session.templates.get(info.templateRef);
      // Members of the definition first, overridden by those the instance sends.
      const members = new Map<string, RawMessage>();
      for (const member of [...((definition?.metrics as RawMessage[]) ?? []), ...((instance?.metrics as RawMessage[]) ?? [])]) {
        if (typeof member.name === 'string') members.set(member.name, member);
      }
      for (const member of members.values()) {
        const child = this.declare(session, scope, device, topic, member, path, used);
        if (!child) continue;
        child.parent = info;
        info.members.set(child.name, child);
      }
      return info;
    }
    info.path = path;
    const type = loomType(datatype);
    if (type) {
      this.options.registerTag(this.tagDefinition(path, type, datatype, m));
      this.byPath.set(path, { session, device, metric: info });
      scope.leaves.push(info);
    }
    return info;
  }

  private tagDefinition(path: string, type: TagDefinition['type'], datatype: number, m: RawMessage): TagDefinition {
    const tag: TagDefinition = { path, asset: parentPath(path), name: lastSegment(path), type, source: this.options.connectorId };
    const props = has(m, 'properties') ? (m.properties as RawMessage) : undefined;
    const keys = (props?.keys as string[]) ?? [];
    const values = (props?.values as RawMessage[]) ?? [];
    for (let i = 0; i < keys.length && i < values.length; i++) {
      const v = values[i];
      if (!v.value) continue;
      const read = readValue(v.value, v[v.value], (v.type as number) ?? 0);
      if (!read.ok) continue;
      const key = keys[i].toLowerCase();
      if ((key === 'engunit' || key === 'unit' || key === 'units') && typeof read.value === 'string') tag.unit = read.value;
      else if ((key === 'englow' || key === 'min') && typeof read.value === 'number') tag.min = read.value;
      else if ((key === 'enghigh' || key === 'max') && typeof read.value === 'number') tag.max = read.value;
      else if ((key === 'documentation' || key === 'description' || key === 'tooltip') && typeof read.value === 'string') tag.description = read.value;
    }
    const meta = has(m, 'metadata') ? (m.metadata as RawMessage) : undefined;
    if (!tag.description && meta && typeof meta.description === 'string' && meta.description) tag.description = meta.description;
    if (datatype === DataTypes.DateTime && !tag.unit) tag.unit = 'ms';
    if (!tag.description) tag.description = `Sparkplug ${dataTypeName(datatype)} metric '${String(m.name)}'`;
    return tag;
  }

  // ---- data ----

  private data(session: NodeSession, scope: MetricScope, topic: string, message: RawMessage, ts: number): void {
    let rebirth: string | undefined;
    for (const m of (message.metrics as RawMessage[]) ?? []) {
      let info: MetricInfo | undefined;
      if (has(m, 'alias')) {
        const alias = longValue(m.alias);
        info = scope.byAlias.get(alias);
        if (!info) {
          this.reject('unknown_alias', `alias ${alias} on '${topic}' was not declared in the BIRTH`, { topic, alias });
          rebirth ??= `unknown alias ${alias}`;
          continue;
        }
      } else if (typeof m.name === 'string') {
        info = scope.byName.get(m.name);
        if (!info) {
          this.reject('undeclared_metric', `metric '${m.name}' on '${topic}' was not declared in the BIRTH`, { topic, metric: m.name });
          rebirth ??= `undeclared metric '${m.name}'`;
          continue;
        }
      } else {
        this.reject('bad_payload', `a metric on '${topic}' has neither name nor alias`, { topic });
        continue;
      }
      this.sample(info, m, ts, topic);
    }
    if (rebirth) this.requestRebirth(session.group, session.node, rebirth);
  }

  /** Turns one metric value into samples (templates: one per member). */
  private sample(info: MetricInfo, m: RawMessage, ts: number, topic: string): void {
    this.counters.metrics++;
    if (has(m, 'datatype') && m.datatype !== info.datatype) {
      this.reject('wrong_type', `metric '${info.name}' on '${topic}' is ${dataTypeName(m.datatype as number)} but its BIRTH declared ${dataTypeName(info.datatype)}`, { topic, metric: info.name });
      return;
    }
    const sampleTs = has(m, 'timestamp') ? longNumber(m.timestamp) : ts;
    const historical = m.isHistorical === true;
    if (info.members) {
      if (m.value !== 'templateValue') return;
      for (const member of ((m.templateValue as RawMessage).metrics as RawMessage[]) ?? []) {
        const child = typeof member.name === 'string' ? info.members.get(member.name) : undefined;
        if (!child) {
          this.reject('undeclared_metric', `template member '${String(member.name)}' of '${info.name}' on '${topic}' was not declared`, { topic, metric: info.name });
          continue;
        }
        this.sample(child, historical && !member.isHistorical ? { ...member, isHistorical: true } : member, sampleTs, topic);
      }
      return;
    }
    if (info.path === undefined) return;
    if (m.isNull || !m.value) {
      this.counters.nullValues++;
      if (info.lastValue !== undefined && !historical) this.out.push({ tag: info.path, ts: sampleTs, value: info.lastValue, quality: 'bad' });
      return;
    }
    let value: SampleValue;
    // Doubles and booleans (most process values) as they are, without readValue's result object.
    if (m.value === 'doubleValue' && info.datatype === DataTypes.Double) value = m.doubleValue as number;
    else if (m.value === 'booleanValue' && info.datatype === DataTypes.Boolean) value = m.booleanValue as boolean;
    else {
      const read = readValue(m.value, m[m.value], info.datatype);
      if (!read.ok) {
        this.reject('wrong_type', `metric '${info.name}' on '${topic}': ${read.error}`, { topic, metric: info.name });
        return;
      }
      value = this.toSampleValue(read.value, info.datatype);
    }
    if (historical) {
      this.counters.historical++;
      this.out.push({ tag: info.path, ts: sampleTs, value, quality: 'good', historical: true });
      return;
    }
    info.lastValue = value;
    this.out.push({ tag: info.path, ts: sampleTs, value, quality: 'good' });
  }

  private toSampleValue(value: unknown, datatype: number): SampleValue {
    if (typeof value === 'number' || typeof value === 'boolean') return value;
    if (typeof value === 'string') {
      if (datatype === DataTypes.Int64 || datatype === DataTypes.UInt64) {
        this.counters.precisionLoss++;
        return Number(value);
      }
      return value;
    }
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64');
    return JSON.stringify(value);
  }

  // ---- outputs ----

  private requestRebirth(group: string, node: string, reason: string): void {
    const key = sessionKey(group, node);
    let session = this.sessions.get(key);
    if (!session) {
      session = new NodeSession(group, node, this.options.mapper.assetFor(group, node));
      this.sessions.set(key, session);
    }
    const now = this.now();
    if (now - session.lastRebirthAt < this.options.rebirthIntervalMs) {
      this.counters.rebirthsSuppressed++;
      return;
    }
    session.lastRebirthAt = now;
    this.counters.rebirthRequests++;
    this.options.sendRebirth(group, node, reason);
  }

  private reject(reason: RejectReason, detail: string, raw: unknown): void {
    this.counters.rejected++;
    const key = `rejected_${reason}`;
    this.counters[key] = (this.counters[key] ?? 0) + 1;
    try {
      this.options.deadLetter?.(reason, detail, raw);
    } catch {
      this.counters.deadLetterErrors = (this.counters.deadLetterErrors ?? 0) + 1;
    }
  }

  private flush(): void {
    if (this.out.length === 0) return;
    const samples = this.out;
    this.out = [];
    this.counters.samples += samples.length;
    this.options.publish(samples);
  }
}

function sessionKey(group: string, node: string): string {
  return `${group}/${node}`;
}
