import { mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { DEMO_CONFIG_FILE, TagRegistry, declaredTags, loadConfigFile, loadDemoConfig, type LoadedConfig, type LoomConfig, type Sample, type TagDefinition } from './model/index.js';
import { Bus } from './bus/index.js';
import { DeadLetterStore, Ingest } from './ingest/index.js';
import { DuckDbHistorian, PostgresHistorian } from './historian/index.js';
import { withCompression } from './historian/compression/index.js';
import { applyRetentionClasses } from './historian/retention/index.js';
import type { Historian } from './historian/types.js';
import type { Connector } from './connectors/types.js';
import { createConnectors } from './connectors/index.js';
import { buildApi, Telemetry } from './api/index.js';
import { listenOnFreePort } from './net.js';
import { removeServerFile, writeServerFile } from './server-file.js';
import { packageRoot } from './package-root.js';
import { AuditLog, WriteBack } from './act/index.js';
import { EmbeddedBroker, brokerConnection, type BrokerConnection } from './broker/index.js';
import { UnsRepublisher } from './republish/index.js';
import { LiveOee, ShiftCellCache, ShiftWarmUp, oeeAssetOf, plantProductPri, saveShiftSnapshot, sitePlanFor, takeShiftSnapshot, type ShiftCacheSnapshot } from './analytics/oee/index.js';
import { SpcEventLog, startSpcMonitors, type SpcEvent } from './analytics/spc/index.js';

const ROOT = packageRoot();
export const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

export interface StartLoomOptions {
  /** Config file; default: the built-in demo plant. */
  configFile?: string;
  /** An already loaded config (wins over configFile). */
  loaded?: LoadedConfig;
  /** Overrides the config's dataDir. `:memory:` keeps nothing on disk. */
  dataDir?: string;
  /** Overrides `http` from the config; port 0 picks an ephemeral port. */
  http?: { port?: number; host?: string };
  /** Overrides `simulator.enabled`. */
  simulator?: boolean;
  /** Overrides the embedded MQTT broker's port (0: ephemeral, as tests use), or false to not start it. */
  mqttBroker?: number | false;
  /** A pino logger, or false for silence (tests). Default: info to stdout. */
  logger?: Logger | false;
}

/** A running Loom: the parts, for tests and the CLI, and one `close()` that stops them all in order. */
export interface RunningLoom {
  url: string;
  port: number;
  /** The embedded MQTT broker's URL, when it runs. */
  mqttUrl?: string;
  config: LoomConfig;
  dataDir: string;
  registry: TagRegistry;
  bus: Bus<Sample>;
  ingest: Ingest;
  historian: Historian;
  deadLetters: DeadLetterStore;
  connectors: Connector[];
  audit: AuditLog;
  api: FastifyInstance;
  /** OEE cells of closed shifts (kept across clean restarts). */
  oeeCache: ShiftCellCache;
  close(): Promise<void>;
}

/**
 * How many samples may be in flight (handed to the historian, not yet durable) before the bus waits.
 * Counted in samples, not batches: protocol connectors deliver many small batches, which the historian
 * merges into one commit, so a batch count would throttle them to a few batches per commit.
 * The historian commits at most once per `historian.flushInterval` (100 ms by default), so this bound
 * caps ingest at about bound / (interval + commit time): 80,000 held Sparkplug ingest near 520k
 * samples/s with the pipeline half idle; 320,000 lets it run at what the CPU allows (over 1M/s here),
 * while still holding back the bus within a few commits when the historian falls behind.
 */
const HISTORIAN_IN_FLIGHT_SAMPLES = 320_000;

/** Largest batch handed to one historian write. */
const HISTORIAN_BATCH = 5_000;

/**
 * Least time between two historian writes of less than a full batch. Each write crosses to the DuckDB
 * worker in a postMessage (25-100 us here, whatever its size), and live connectors hand over a few
 * dozen samples per event-loop turn: at tens of thousands of messages per second that was 6% of the
 * event loop. Waiting lets the bus gather them; the historian commits every 100 ms anyway, so this
 * delays `latest()` by at most this, and durability not at all. Full batches go at once.
 */
const HISTORIAN_WRITE_SPACING_MS = 5;

/** The storage and data path every Loom command needs: registry, bus, ingest, dead letters, historian. */
export interface LoomCore {
  config: LoomConfig;
  dataDir: string;
  logger: Logger;
  registry: TagRegistry;
  bus: Bus<Sample>;
  ingest: Ingest;
  historian: Historian;
  deadLetters: DeadLetterStore;
  /**
   * The OEE shift cache a cleanly closed server left (taken from the data folder at open, so any
   * other opener, such as an import, drops it), and the store it belongs to.
   */
  oeeShifts: { store: string; snapshot?: ShiftCacheSnapshot; keep: boolean };
  /** Writes handed from the bus to the historian so far, and their samples. */
  historianFeed(): { writes: number; samples: number };
  /** Drains the bus into the historian, then closes it and the dead-letter file. */
  close(): Promise<void>;
}

/**
 * Opens the core: the historian (DuckDB file in the data folder), the bus with the historian
 * subscribed, normalisation and the dead-letter store. Tags are registered by the caller.
 */
export async function openCore(loaded: LoadedConfig, options: Pick<StartLoomOptions, 'dataDir' | 'logger'> = {}): Promise<LoomCore> {
  const config = loaded.config;
  const logger = options.logger === false ? pino({ level: 'silent' }) : (options.logger ?? pino({ name: 'loom' }));
  const inMemory = options.dataDir === ':memory:';
  const dataDir = inMemory ? ':memory:' : resolveDataDir(options.dataDir ?? config.dataDir, loaded.baseDir);
  if (!inMemory) mkdirSync(dataDir, { recursive: true });

  const registry = new TagRegistry();
  const deadLetters = new DeadLetterStore({ file: inMemory ? undefined : join(dataDir, 'dead-letters.jsonl') });
  const bus = new Bus<Sample>({
    queueLimit: config.bus.queueLimit,
    onHandlerError: (error, subscriber) => logger.error({ err: error, subscriber }, 'bus subscriber failed'),
    onDrop: (subscriber, topic, message) => {
      // Live views drop their oldest updates by design (the data is in the historian); anything else is kept.
      if (!subscriber.startsWith('live:')) deadLetters.add({ source: `bus:${subscriber}`, reason: 'queue_full', detail: `queue of '${subscriber}' full; sample for '${topic}' dropped`, sample: message });
    },
  });
  const ingest = new Ingest(registry, bus, deadLetters);

  const historianPath = inMemory || config.historian.path === ':memory:' ? ':memory:' : resolve(dataDir, config.historian.path);
  let historian: Historian;
  if (config.historian.engine === 'postgres') {
    if (!config.historian.url) throw new Error("historian.engine 'postgres' needs historian.url, e.g. postgres://loom@127.0.0.1:5432/loom");
    historian = new PostgresHistorian({ url: config.historian.url, schema: config.historian.schema, logger });
  } else {
    historian = new DuckDbHistorian({ path: historianPath, flushIntervalMs: config.historian.flushInterval, logger });
  }
  // Always in front of the backend: with compression off it only counts (received = stored).
  historian = withCompression(historian, config.historian.compression, (tag, reason) => logger.warn(`historian: '${tag}' is stored uncompressed: ${reason}`));
  try {
    await historian.open();
  } catch (error) {
    await deadLetters.close();
    throw new Error(`cannot open the historian at ${config.historian.engine === 'postgres' ? config.historian.schema : historianPath}: ${(error as Error).message}` + (/lock/i.test(String(error)) ? ' (is another Loom using this data folder? stop it or pass --data)' : ''));
  }
  // Tags registered at run time (auto-created MQTT topics, Sparkplug births) are defined in the
  // historian before any sample of theirs is written: the historian subscriber awaits `tagsDefined`.
  let tagsDefined: Promise<void> = Promise.resolve();
  let undefinedTags: Array<TagDefinition & { id: number }> = [];
  registry.onAdd((tag) => {
    undefinedTags.push(tag);
    if (undefinedTags.length > 1) return;
    tagsDefined = tagsDefined.then(async () => {
      const batch = undefinedTags;
      undefinedTags = [];
      await historian.defineTags(batch).catch((error) => logger.error({ err: error }, 'defining tags in the historian failed'));
    });
  });
  const historianSubscription = subscribeHistorian(bus, historian, logger, () => tagsDefined);
  const store = config.historian.engine === 'postgres' ? `postgres:${config.historian.url}#${config.historian.schema}` : `duckdb:${historianPath}`;
  // An in-memory historian forgets its history at exit: shifts computed from it must not outlive it.
  const keep = !inMemory && !(config.historian.engine !== 'postgres' && historianPath === ':memory:');
  const oeeShifts = { store, keep, snapshot: inMemory ? undefined : takeShiftSnapshot(dataDir, store, (reason) => logger.warn(`oee: ${reason}`)) };

  return {
    config,
    dataDir,
    logger,
    registry,
    bus,
    ingest,
    historian,
    deadLetters,
    oeeShifts,
    historianFeed: () => historianSubscription.feed(),
    async close() {
      await bus.idle();
      await historianSubscription.drained();
      historianSubscription.unsubscribe();
      await historian.close();
      await deadLetters.close();
    },
  };
}

/** Registers the tags a config declares and those its connectors provide, and tells the historian. */
export async function registerTags(core: LoomCore, connectors: Connector[]): Promise<void> {
  for (const tag of declaredTags(core.config.plant)) core.registry.upsert(tag);
  for (const connector of connectors) for (const tag of connector.tagDefinitions()) core.registry.upsert(tag);
  await core.historian.defineTags(core.registry.all());
}

/** The composition root: the core, the connectors and the API, started in order. */
export async function startLoom(options: StartLoomOptions = {}): Promise<RunningLoom> {
  const loaded = options.loaded ?? (options.configFile ? loadConfigFile(options.configFile) : loadDemoConfig());
  const core = await openCore(loaded, options);
  const { config, dataDir, logger, registry, bus, ingest, historian, deadLetters } = core;

  // MQTT first: connectors and republish connect to the embedded broker (or to mqtt.url).
  let broker: EmbeddedBroker | undefined;
  let mqtt: BrokerConnection | undefined;
  if (!config.mqtt.url && config.mqtt.broker.enabled && options.mqttBroker !== false) {
    broker = new EmbeddedBroker({
      ...config.mqtt.broker,
      port: options.mqttBroker ?? config.mqtt.broker.port,
      username: config.mqtt.username,
      password: config.mqtt.password,
      onPortBusy: (busy) => logger.warn(`MQTT port ${busy} is taken; trying ${busy + 1}`),
    });
    await broker.start();
  }
  if (config.mqtt.url || broker) mqtt = brokerConnection(config.mqtt, broker?.url);

  const simulatorEnabled = options.simulator ?? config.simulator.enabled;
  const connectors = await createConnectors({ ...config, simulator: { ...config.simulator, enabled: simulatorEnabled } }, {
    dataDir: dataDir === ':memory:' ? undefined : dataDir,
    freshHistorian: historian.latest().length === 0,
    deadLetters,
    mqtt,
    log: (message) => logger.debug({ source: 'protocol-stack' }, message),
  });
  await registerTags(core, connectors);

  let republisher: UnsRepublisher | undefined;
  const telemetry = new Telemetry(ingest, historian);
  const liveOee = new LiveOee({ tags: () => registry.all(), planFor: sitePlanFor(config.plant), productPriFor: plantProductPri(config.plant), start: Date.now() });
  liveOee.attach(bus);
  liveOee.start();
  // OEE cells of closed shifts are kept between requests; a late sample drops those it may change.
  const oeeCache = new ShiftCellCache();
  // Shifts a cleanly closed server kept: their variants hold the tags, plans and options they were computed with.
  if (core.oeeShifts.snapshot && core.oeeShifts.keep) logger.info(`oee: ${oeeCache.restore(core.oeeShifts.snapshot)} closed machine-shifts restored from the last run`);
  const oeeCacheSubscription = oeeCache.attach(bus, oeeAssetOf((tag) => registry.get(tag)));
  // In the background: closed shifts of the last 35 days into the cache, then each shift as it closes.
  const oeeWarmUp = new ShiftWarmUp({ historian, registry, plant: config.plant, cache: oeeCache }, { onError: (error) => logger.debug({ err: error }, 'OEE warm-up step failed') });
  oeeWarmUp.start();
  // SPC monitors from the config: violations are kept for the API and published at $events/spc/<tag>
  // ('#' subscribers such as the historian do not see $ topics; `$events/#` does).
  const spcEvents = new SpcEventLog({
    monitors: config.spc.monitors.map((m) => m.tag),
    forward: [{ publish: (topic: string, event: SpcEvent) => bus.publish(topic, event as unknown as Sample) }],
  });
  const spc = startSpcMonitors(config.spc, { source: bus, sink: spcEvents });
  spcEvents.track(spc.monitors);
  for (const m of config.spc.monitors) if (!registry.has(m.tag)) logger.warn(`spc: no tag '${m.tag}' is known yet; its monitor waits for samples of it`);
  const audit = new AuditLog(dataDir === ':memory:' ? undefined : join(dataDir, 'audit.jsonl'));
  const writeBack = new WriteBack(registry, () => connectors, audit);
  const retentionTimer = setInterval(() => {
    applyRetentionClasses(historian, config.historian.retention, registry.all()).catch((error) => logger.error({ err: error }, 'retention failed'));
  }, 3_600_000);
  retentionTimer.unref();

  const api = await buildApi(
    {
      plant: config.plant,
      registry,
      bus,
      historian,
      historianEngine: config.historian.engine,
      ingest,
      deadLetters,
      telemetry,
      connectors: () => [
        ...connectors.map((c) => c.health()),
        ...(broker ? [{ id: 'mqtt-broker', kind: 'mqtt-broker', state: 'connected' as const, counters: { clients: broker.clients } }] : []),
        ...(republisher ? [{ id: 'republish', kind: 'uns-republish', ...republisher.health() }] : []),
      ],
      writeBack,
      connectorInstances: () => connectors,
      configFile: loaded.file === DEMO_CONFIG_FILE ? undefined : loaded.file,
      configuredOpcUa: config.opcua.map((c) => c.id),
      audit,
      liveOee,
      oeeCache,
      spcEvents,
      uiDir: join(ROOT, 'src/ui/dist'),
      dataDir: dataDir === ':memory:' ? undefined : dataDir,
      importConfig: config.import,
      version: VERSION,
      startedAt: Date.now(),
    },
    { logger: false },
  );
  const host = options.http?.host ?? config.http.host;
  const wantedPort = options.http?.port ?? config.http.port;
  const port = await listenOnFreePort(api, host, wantedPort, (busy) => logger.warn(`port ${busy} is taken; trying ${busy + 1}`));
  const url = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`;
  // Tells `loom import` (which finds the historian locked) where to send a backfill instead.
  if (dataDir !== ':memory:') writeServerFile(dataDir, { url, version: VERSION });

  for (const connector of connectors) {
    await connector.start({ registry, logger: logger.child({ connector: connector.id }), publish: (samples, source) => ingest.publish(samples, source) });
  }
  if (config.republish.enabled) {
    republisher = new UnsRepublisher({ bus, config: config.republish, url: mqtt?.url, username: mqtt?.username, password: mqtt?.password });
    await republisher.start();
  }

  let closed = false;
  return {
    url,
    port,
    mqttUrl: broker?.url,
    config,
    dataDir,
    registry,
    bus,
    ingest,
    historian,
    deadLetters,
    connectors,
    audit,
    api,
    oeeCache,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(retentionTimer);
      // Reverse start order: sources that feed others (simulated edge nodes) stop before their readers.
      for (const connector of [...connectors].reverse()) await connector.stop().catch((error) => logger.error({ err: error }, `stopping ${connector.id} failed`));
      await republisher?.stop();
      await broker?.stop();
      await api.close();
      if (dataDir !== ':memory:') removeServerFile(dataDir);
      telemetry.stop();
      liveOee.stop();
      await oeeWarmUp.stop();
      await bus.idle();
      oeeCacheSubscription.unsubscribe();
      // Written after the bus drained into the cache's late-data watch (core.close drains the rest into
      // the historian, which the cache has seen: connectors and the API are stopped).
      if (core.oeeShifts.keep && oeeCache.shifts > 0) {
        try {
          saveShiftSnapshot(dataDir, core.oeeShifts.store, oeeCache.snapshot());
        } catch (error) {
          logger.warn({ err: error }, 'oee: keeping the shift cache for the next start failed; its shifts will be computed again');
        }
      }
      spc.stop();
      await audit.close();
      await core.close();
    },
  };
}

export function resolveDataDir(dir: string, baseDir: string): string {
  return isAbsolute(dir) ? dir : resolve(baseDir, dir);
}

/**
 * Feeds the historian from the bus. Writes are pipelined: a batch is acknowledged by the historian once
 * durable, and the subscriber only waits when too many batches are in flight, which is what pushes back
 * on the bus (its queue fills, producers that can wait are held at `waitForRoom`).
 */
function subscribeHistorian(bus: Bus<Sample>, historian: Historian, logger: Logger, tagsDefined: () => Promise<void>) {
  const inFlight = new Set<Promise<void>>();
  let inFlightSamples = 0;
  let lastWrite = Number.NEGATIVE_INFINITY;
  const fed = { writes: 0, samples: 0 };
  const subscription = bus.subscribe(
    '#',
    async (samples) => {
      await tagsDefined();
      // Spacing: a batch short of full waits until HISTORIAN_WRITE_SPACING_MS after the last write.
      // Meanwhile the bus queues what arrives, so the next batch carries all of it (see the constant).
      if (samples.length < HISTORIAN_BATCH) {
        const wait = lastWrite + HISTORIAN_WRITE_SPACING_MS - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      lastWrite = performance.now();
      fed.writes++;
      fed.samples += samples.length;
      const write = historian.write(samples).catch((error) => logger.error({ err: error, samples: samples.length }, 'historian write failed'));
      inFlight.add(write);
      inFlightSamples += samples.length;
      void write.finally(() => {
        inFlight.delete(write);
        inFlightSamples -= samples.length;
      });
      while (inFlightSamples >= HISTORIAN_IN_FLIGHT_SAMPLES) await Promise.race(inFlight);
    },
    { name: 'historian', maxBatch: HISTORIAN_BATCH },
  );
  return {
    unsubscribe: () => subscription.unsubscribe(),
    drained: () => Promise.all(inFlight).then(() => undefined),
    feed: () => ({ ...fed }),
  };
}
