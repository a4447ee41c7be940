// The OPC UA client as a Loom connector: secure session, subscriptions, reconnection, write-back.
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttributeIds,
  DataChangeFilter,
  DataChangeTrigger,
  DeadbandType,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
  resolveNodeId,
  type ClientSession,
  type ClientSubscription,
  type DataType,
  type DataValue,
  type UserIdentityInfo,
} from 'node-opcua';
import type { SampleValue, TagDefinition } from '../../model/index.js';
import type { Connector, ConnectorContext, ConnectorHealth, ConnectorState, RawSample } from '../types.js';
import { browseChildren, type BrowsedNode } from './browse.js';
import { opcuaConnectorSchema, opcuaMappingSchema, type OpcUaConnectorConfig, type OpcUaConnectorInput, type OpcUaMapping, type OpcUaMappingInput } from './config.js';
import type { AddedMappings, PresentedCertificate } from './control.js';
import { OpcUaPki, normaliseThumbprint, type CertificateInfo } from './pki.js';
import { qualityOf, timestampOf, valueOf } from './quality.js';
import { sameValue, toVariant } from './write-value.js';

export interface OpcUaConnectorInit {
  /** The `opcua` config block (validated here). */
  config: OpcUaConnectorInput;
  /** Folder of Loom's OPC UA certificate and trust list; use `<dataDir>/pki/opcua`. Default: a folder in the OS temp dir. */
  pkiDir?: string;
}

const ZERO: Record<OpcUaMapping['type'], SampleValue> = { number: 0, boolean: false, string: '' };

/**
 * Reads mapped variables of one OPC UA server through a subscription (`kind: 'opcua'`). Connection
 * losses are marked in the data: every mapped tag gets a bad-quality sample at the moment of the
 * loss; the client reconnects with backoff, restores (or recreates) session and subscription by
 * itself, and good values flow again.
 *
 * @example
 * const opcua = new OpcUaConnector({ pkiDir: join(dataDir, 'pki', 'opcua'), config: {
 *   endpoint: 'opc.tcp://plc-7:4840', securityMode: 'SignAndEncrypt',
 *   auth: { type: 'username', username: 'loom', password: secret },
 *   mappings: [{ nodeId: 'ns=2;s=Press1.Temperature', tag: 'acme/berlin/line-1/press-1/temperature', unit: 'degC' }] } });
 */
export class OpcUaConnector implements Connector {
  readonly id: string;
  readonly kind = 'opcua';
  readonly config: OpcUaConnectorConfig;
  readonly pki: OpcUaPki;
  private readonly byTag = new Map<string, OpcUaMapping>();
  private readonly lastValue = new Map<string, SampleValue>();
  private readonly dataTypes = new Map<string, DataType>();
  private client: OPCUAClient | undefined;
  private session: ClientSession | undefined;
  private subscription: ClientSubscription | undefined;
  private context: ConnectorContext | undefined;
  private state: ConnectorState = 'stopped';
  private lastError: string | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private pending: RawSample[] = [];
  private flushScheduled = false;
  private gapOpen = false;
  /** When the server last answered a publish (data or keep-alive); late answers make the state degraded. */
  private lastPublishAt = 0;
  /** Endpoint that presented each refused server certificate (by thumbprint). */
  private readonly presentedBy = new Map<string, string>();
  private readonly counters = {
    samples: 0,
    badSamples: 0,
    uncertainSamples: 0,
    gaps: 0,
    connects: 0,
    reconnects: 0,
    connectFailures: 0,
    itemsMonitored: 0,
    itemsRejected: 0,
    certificatesRejected: 0,
    writes: 0,
    writeErrors: 0,
    publishErrors: 0,
  };

  constructor(init: OpcUaConnectorInit) {
    this.config = opcuaConnectorSchema.parse(init.config);
    this.id = this.config.id;
    this.pki = new OpcUaPki(init.pkiDir ?? join(tmpdir(), 'loom-opcua-pki'));
    for (const m of this.config.mappings) {
      if (this.byTag.has(m.tag)) throw new Error(`opcua connector '${this.id}': tag '${m.tag}' is mapped twice`);
      this.byTag.set(m.tag, m);
    }
  }

  tagDefinitions(): TagDefinition[] {
    return this.config.mappings.map((m) => this.tagDefinitionOf(m));
  }

  private tagDefinitionOf(m: OpcUaMapping): TagDefinition {
    const slash = m.tag.lastIndexOf('/');
    return { path: m.tag, asset: slash > 0 ? m.tag.slice(0, slash) : m.tag, name: m.tag.slice(slash + 1), type: m.type, unit: m.unit, description: m.description ?? `OPC UA ${m.nodeId}`, source: this.id };
  }

  async start(context: ConnectorContext): Promise<void> {
    if (this.running) throw new Error(`connector '${this.id}' is already running: stop it first`);
    this.context = context;
    this.running = true;
    this.state = 'starting';
    await this.pki.init();
    this.loop = this.connectLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    const client = this.client;
    if (this.state === 'connected') {
      // Politely end subscription and session, but never wait long for a server that is going away.
      await withTimeout(this.subscription?.terminate(), 2_000);
      await withTimeout(this.session?.close(true), 2_000);
    }
    // Cancels a reconnection in progress too.
    await withTimeout(client?.disconnect(), 5_000);
    await this.loop;
    this.flush();
    this.session = undefined;
    this.subscription = undefined;
    this.client = undefined;
    this.state = 'stopped';
  }

  /**
   * `degraded` while connected when the server refused some monitored items, or when its publish
   * answers (data or keep-alive) are more than twice the keep-alive period late.
   */
  health(): ConnectorHealth {
    const degraded = this.state === 'connected' ? this.degradedReason() : undefined;
    return { id: this.id, kind: this.kind, state: degraded ? 'degraded' : this.state, lastError: degraded ?? this.lastError, counters: { ...this.counters, tags: this.byTag.size } };
  }

  private degradedReason(): string | undefined {
    const { itemsRejected, itemsMonitored } = this.counters;
    if (itemsRejected > 0) return `the server refused ${itemsRejected} of ${itemsRejected + itemsMonitored} monitored items${this.lastError ? ` (last: ${this.lastError})` : ''}`;
    const s = this.config.subscription;
    const keepAliveMs = s.publishingInterval * s.keepAliveCount;
    const silentMs = Date.now() - this.lastPublishAt;
    if (this.lastPublishAt > 0 && silentMs > 2 * keepAliveMs + 1_000) return `no publish answer from ${this.config.endpoint} for ${Math.round(silentMs / 1000)} s (keep-alive every ${keepAliveMs / 1000} s)`;
    return undefined;
  }

  /** The server endpoint URL. */
  get endpoint(): string {
    return this.config.endpoint;
  }

  /** Server certificates refused because they are not trusted yet, with the endpoint that presented each (when seen by this connector). */
  async rejectedCertificates(): Promise<PresentedCertificate[]> {
    return (await this.pki.rejected()).map((c) => ({ ...c, endpoint: this.presentedBy.get(c.thumbprint) }));
  }

  /** Certificates in Loom's OPC UA trust list. */
  trustedCertificates(): Promise<CertificateInfo[]> {
    return this.pki.trusted();
  }

  /** Trusts a rejected server certificate and reconnects at once (no wait for the backoff). */
  async trustCertificate(thumbprint: string): Promise<CertificateInfo> {
    const trusted = await this.pki.trust(thumbprint);
    this.wake?.();
    return trusted;
  }

  /**
   * Children of a node (default: the Objects folder), through the live session, or through a
   * short-lived one when the connector is not connected.
   */
  async browse(nodeId = 'ObjectsFolder'): Promise<BrowsedNode[]> {
    if (this.session && this.state === 'connected') return browseChildren(this.session, nodeId);
    return this.withShortSession((session) => browseChildren(session, nodeId));
  }

  /**
   * Adds mappings at run time: their tags join the registry, and while connected their items are
   * monitored at once (else on connection). Throws, before changing anything, when a mapping is
   * invalid or its tag is mapped already.
   */
  async addMappings(inputs: readonly OpcUaMappingInput[]): Promise<AddedMappings> {
    const mappings = inputs.map((input, i) => {
      const parsed = opcuaMappingSchema.safeParse(input);
      if (!parsed.success) throw new Error(`mapping ${i + 1}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'mapping'}: ${issue.message}`).join('; ')}`);
      return parsed.data;
    });
    const seen = new Set<string>();
    for (const m of mappings) {
      if (this.byTag.has(m.tag) || seen.has(m.tag)) throw new Error(`opcua connector '${this.id}': tag '${m.tag}' is mapped already`);
      seen.add(m.tag);
    }
    for (const m of mappings) {
      this.byTag.set(m.tag, m);
      this.config.mappings.push(m);
      this.context?.registry.upsert(this.tagDefinitionOf(m));
    }
    const session = this.session;
    const subscription = this.subscription;
    if (!session || !subscription || this.state !== 'connected') return { mappings, monitored: false, refused: [] };
    try {
      const refused = await this.monitor(subscription, mappings);
      return { mappings, monitored: true, refused };
    } catch (error) {
      // The session went while monitoring: a new session monitors every mapping, these included.
      this.lastError = `monitoring the new mappings failed: ${(error as Error).message}`;
      return { mappings, monitored: false, refused: [] };
    }
  }

  /**
   * Writes a value to a mapped, writable variable in the server's data type, reads it back and
   * throws when the server holds anything else afterwards.
   */
  async write(tag: string, value: SampleValue): Promise<void> {
    const mapping = this.byTag.get(tag);
    if (!mapping) throw new Error(`opcua connector '${this.id}' does not map tag '${tag}'`);
    if (!mapping.writable) throw new Error(`${tag} is not writable: set writable: true on its mapping`);
    this.counters.writes++;
    try {
      const session = this.requireSession();
      const nodeId = resolveNodeId(mapping.nodeId);
      let dataType = this.dataTypes.get(tag);
      if (dataType === undefined) {
        dataType = await session.getBuiltInDataType(nodeId);
        this.dataTypes.set(tag, dataType);
      }
      const variant = toVariant(value, dataType);
      const status = await session.write({ nodeId, attributeId: AttributeIds.Value, value: { value: variant } });
      if (status.value !== 0) throw new Error(`${tag}: the server refused the write to ${mapping.nodeId}: ${status.toString()}`);
      const back = await session.read({ nodeId, attributeId: AttributeIds.Value });
      const readBack = valueOf(back.value);
      if (qualityOf(back.statusCode) !== 'good' || !sameValue(variant, readBack)) {
        throw new Error(`${tag}: wrote ${JSON.stringify(value)} to ${mapping.nodeId} but read back ${JSON.stringify(readBack)} (${back.statusCode.toString()})`);
      }
    } catch (error) {
      this.counters.writeErrors++;
      this.lastError = (error as Error).message;
      throw error;
    }
  }

  private requireSession(): ClientSession {
    if (!this.session || this.state !== 'connected') throw new Error(`opcua connector '${this.id}' is not connected to ${this.config.endpoint}${this.lastError ? ` (${this.lastError})` : ''}`);
    return this.session;
  }

  /** Connects once (no retries), runs `work` in a session, and disconnects. */
  private async withShortSession<T>(work: (session: ClientSession) => Promise<T>): Promise<T> {
    const client = this.clientFor({ maxRetry: 0, initialDelay: 100, maxDelay: 100, randomisationFactor: 0 });
    try {
      await client.connect(this.config.endpoint);
      const session = await client.createSession(this.identity());
      try {
        return await work(session);
      } finally {
        await withTimeout(session.close(), 2_000);
      }
    } catch (error) {
      throw new Error(await this.explain(error as Error, client));
    } finally {
      await withTimeout(client.disconnect(), 2_000);
    }
  }

  /** The server's certificate, asked for over an unsecured GetEndpoints (node-opcua keeps it only after a successful check). */
  private async probeServerCertificate(): Promise<string | undefined> {
    const probe = OPCUAClient.create({ endpointMustExist: false, clientCertificateManager: this.pki.manager, connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 } });
    try {
      await probe.connect(this.config.endpoint);
      const endpoints = await probe.getEndpoints();
      return thumbprintOf(endpoints.find((e) => e.serverCertificate && e.serverCertificate.length > 0)?.serverCertificate);
    } catch {
      return undefined;
    } finally {
      await withTimeout(probe.disconnect(), 2_000);
    }
  }

  private clientFor(connectionStrategy: { maxRetry: number; initialDelay: number; maxDelay: number; randomisationFactor: number }): OPCUAClient {
    const { securityMode, securityPolicy, requestTimeout } = this.config;
    return OPCUAClient.create({
      applicationName: 'Loom',
      clientName: `loom-${this.id}`,
      securityMode: MessageSecurityMode[securityMode],
      securityPolicy: securityMode === 'None' ? SecurityPolicy.None : SecurityPolicy[securityPolicy],
      endpointMustExist: false,
      keepSessionAlive: true,
      requestedSessionTimeout: 60_000,
      defaultTransactionTimeout: requestTimeout,
      clientCertificateManager: this.pki.manager,
      connectionStrategy,
    });
  }

  private createClient(): OPCUAClient {
    const { reconnect } = this.config;
    // Infinite retries with backoff: after a loss the client keeps trying until stop().
    // node-opcua's backoff never gets through its first connection when both delays are equal: keep them apart.
    const client = this.clientFor({ maxRetry: -1, initialDelay: reconnect.initialDelay, maxDelay: Math.max(reconnect.maxDelay, 2 * reconnect.initialDelay), randomisationFactor: 0 });
    client.on('backoff', (count: number, delay: number) => {
      this.counters.connectFailures++;
      if (this.state !== 'starting') this.state = 'disconnected';
      this.lastError ??= `cannot reach ${this.config.endpoint}`;
      this.context?.logger.debug({ connector: this.id, attempt: count, delayMs: delay }, 'opcua: retrying connection');
    });
    client.on('connection_lost', () => {
      this.lastError = `connection to ${this.config.endpoint} lost`;
      this.state = 'disconnected';
      this.markGap();
      this.context?.logger.warn({ connector: this.id, endpoint: this.config.endpoint }, 'opcua: connection lost; reconnecting');
    });
    client.on('after_reconnection', () => {
      this.counters.reconnects++;
      this.lastPublishAt = Date.now();
      this.state = 'connected';
      this.gapOpen = false;
      this.context?.logger.info({ connector: this.id }, 'opcua: reconnected; session and subscription restored');
    });
    return client;
  }

  private identity(): UserIdentityInfo {
    const auth = this.config.auth;
    return auth.type === 'username' ? { type: UserTokenType.UserName, userName: auth.username, password: auth.password } : { type: UserTokenType.Anonymous };
  }

  /** Connects, creates the session and subscription; retries with backoff until it works or stop(). */
  private async connectLoop(): Promise<void> {
    let delay = this.config.reconnect.initialDelay;
    while (this.running) {
      const client = (this.client = this.createClient());
      try {
        // On a first secure connection node-opcua creates Loom's certificate while it connects, and the
        // attempt fails (premature disconnection) when that takes long: create it before connecting.
        if (this.config.securityMode !== 'None') await (client as unknown as { createDefaultCertificate(): Promise<void> }).createDefaultCertificate();
        await client.connect(this.config.endpoint);
        if (!this.running) break;
        this.session = await client.createSession(this.identity());
        this.lastError = undefined;
        this.session.on('session_closed', () => {
          if (this.running && this.state === 'connected') this.markGap();
        });
        await this.subscribe(this.session);
        this.counters.connects++;
        this.state = 'connected';
        this.gapOpen = false;
        return;
      } catch (error) {
        this.counters.connectFailures++;
        this.lastError = await this.explain(error as Error, client);
        this.state = 'disconnected';
        this.context?.logger.warn({ connector: this.id, err: error }, `opcua: ${this.lastError}`);
        this.session = undefined;
        await client.disconnect().catch(() => undefined);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      delay = Math.min(this.config.reconnect.maxDelay, delay * 2);
    }
  }

  private async explain(error: Error, client: OPCUAClient): Promise<string> {
    const message = error.message ?? String(error);
    if (/BadCertificateUntrusted|certificate verification failed/i.test(message)) {
      this.counters.certificatesRejected++;
      const rejected = await this.pki.rejected().catch(() => []);
      const presented = thumbprintOf(client.serverCertificate) ?? rejected.find((c) => this.presentedBy.get(c.thumbprint) === this.config.endpoint)?.thumbprint ?? (await this.probeServerCertificate());
      if (presented) this.presentedBy.set(presented, this.config.endpoint);
      const latest = rejected.find((c) => c.thumbprint === presented) ?? rejected.at(-1);
      return latest
        ? `the server certificate is not trusted (thumbprint ${latest.thumbprint}, ${latest.subject}): trust it on the connector's dashboard page or with POST /api/v1/connectors/opcua/${this.id}/certificates/${latest.thumbprint}/trust`
        : `the server certificate is not trusted: ${message}`;
    }
    if (/BadUserAccessDenied|BadIdentityTokenRejected|BadIdentityTokenInvalid/i.test(message)) return `the server refused the user identity (${this.config.auth.type}): ${message}`;
    if (/BadSecurityChecksFailed/.test(message)) return `the server refused the secure channel (does it trust Loom's certificate in ${join(this.pki.dir, 'own')}?): ${message}`;
    return `cannot connect to ${this.config.endpoint}: ${message}`;
  }

  private async subscribe(session: ClientSession): Promise<void> {
    const s = this.config.subscription;
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: s.publishingInterval,
      requestedLifetimeCount: s.lifetimeCount,
      requestedMaxKeepAliveCount: s.keepAliveCount,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 10,
    });
    this.subscription = subscription;
    this.lastPublishAt = Date.now();
    const answered = () => (this.lastPublishAt = Date.now());
    subscription.on('keepalive', answered);
    subscription.on('received_notifications', answered);
    this.counters.itemsMonitored = 0;
    this.counters.itemsRejected = 0;
    await this.monitor(subscription, this.config.mappings);
  }

  /** Monitors `mappings`: grouped by their parameters, in CreateMonitoredItems requests of batchSize. Returns the refused ones. */
  private async monitor(subscription: ClientSubscription, mappings: readonly OpcUaMapping[]): Promise<Array<{ tag: string; nodeId: string; status: string }>> {
    const s = this.config.subscription;
    const refused: Array<{ tag: string; nodeId: string; status: string }> = [];
    const groups = new Map<string, OpcUaMapping[]>();
    for (const m of mappings) {
      const key = JSON.stringify([m.samplingInterval ?? s.samplingInterval, m.queueSize ?? s.queueSize, m.deadband ?? s.deadband ?? null]);
      const list = groups.get(key) ?? [];
      list.push(m);
      groups.set(key, list);
    }
    for (const [key, group] of groups) {
      const [samplingInterval, queueSize, deadband] = JSON.parse(key) as [number, number, OpcUaMapping['deadband'] | null];
      const filter = deadband
        ? new DataChangeFilter({ trigger: DataChangeTrigger.StatusValue, deadbandType: deadband.type === 'percent' ? DeadbandType.Percent : DeadbandType.Absolute, deadbandValue: deadband.value })
        : null;
      for (let i = 0; i < group.length; i += this.config.batchSize) {
        const batch = group.slice(i, i + this.config.batchSize);
        const items = await subscription.monitorItems(
          batch.map((m) => ({ nodeId: resolveNodeId(m.nodeId), attributeId: AttributeIds.Value })),
          { samplingInterval, queueSize, discardOldest: true, filter },
          TimestampsToReturn.Both,
        );
        items.on('changed', (_item, dataValue: DataValue, index: number) => this.onChange(batch[index], dataValue));
        items.monitoredItems.forEach((item, index) => {
          const status = item.statusCode;
          if (status && qualityOf(status) === 'bad') {
            this.counters.itemsRejected++;
            this.lastError = `${batch[index].tag}: the server refused to monitor ${batch[index].nodeId}: ${status.toString()}`;
            refused.push({ tag: batch[index].tag, nodeId: batch[index].nodeId, status: status.toString() });
            this.push({ tag: batch[index].tag, ts: Date.now(), value: this.lastValue.get(batch[index].tag) ?? ZERO[batch[index].type], quality: 'bad' });
          } else {
            this.counters.itemsMonitored++;
          }
        });
      }
    }
    return refused;
  }

  private onChange(mapping: OpcUaMapping, dataValue: DataValue): void {
    let quality = qualityOf(dataValue.statusCode);
    let value = valueOf(dataValue.value);
    if (value !== undefined && mapping.type === 'number' && typeof value === 'boolean') value = value ? 1 : 0;
    if (value === undefined || (typeof value === 'number' && !Number.isFinite(value)) || typeof value !== (mapping.type === 'number' ? 'number' : mapping.type)) {
      // No usable value: keep the tag's last one (or zero) and say it is bad, rather than store a wrong one.
      if (quality === 'good' && value !== undefined) quality = 'bad';
      value = this.lastValue.get(mapping.tag) ?? ZERO[mapping.type];
      quality = 'bad';
    } else if (quality !== 'bad') {
      this.lastValue.set(mapping.tag, value);
    }
    this.push({ tag: mapping.tag, ts: timestampOf(dataValue, Date.now()), value, quality });
  }

  /** The gap marker: a bad sample for every mapped tag at the moment the connection went. */
  private markGap(): void {
    if (this.gapOpen) return;
    this.gapOpen = true;
    this.counters.gaps++;
    const ts = Date.now();
    for (const m of this.config.mappings) this.push({ tag: m.tag, ts, value: this.lastValue.get(m.tag) ?? ZERO[m.type], quality: 'bad' });
  }

  private push(sample: RawSample): void {
    if (sample.quality === 'bad') this.counters.badSamples++;
    else if (sample.quality === 'uncertain') this.counters.uncertainSamples++;
    this.pending.push(sample);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0 || !this.context) return;
    const batch = this.pending;
    this.pending = [];
    this.counters.samples += batch.length;
    this.context.publish(batch, this.id).catch((error: unknown) => {
      this.counters.publishErrors++;
      this.lastError = `publish failed: ${(error as Error).message}`;
    });
  }
}

/** Awaits `promise` for at most `ms`; errors and timeouts are swallowed (used on shutdown). */
async function withTimeout(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!promise) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** SHA-1 thumbprint (lower-case hex) of a DER certificate, or of the first of a chain. */
function thumbprintOf(certificate: Buffer | Buffer[] | undefined): string | undefined {
  const der = Array.isArray(certificate) ? certificate[0] : certificate;
  if (!der || der.length === 0) return undefined;
  try {
    // Parses the first certificate when a chain is concatenated.
    return normaliseThumbprint(new X509Certificate(der).fingerprint);
  } catch {
    return undefined;
  }
}
