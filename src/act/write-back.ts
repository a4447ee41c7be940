import type { SampleValue, TagRegistry } from '../model/index.js';
import type { Connector } from '../connectors/types.js';
import { normalizeSample } from '../ingest/index.js';
import type { AuditLog, AuditRecord } from './audit.js';

/** Why a write was not carried out, for the API to map onto a status. */
export type WriteRefusal = 'unknown_tag' | 'read_only' | 'wrong_type' | 'failed';

export class WriteError extends Error {
  constructor(
    readonly refusal: WriteRefusal,
    message: string,
    readonly audit: AuditRecord,
  ) {
    super(message);
  }
}

/**
 * Writes a value back to the machine that owns a tag, through the connector named as the tag's source,
 * after checking the value against the tag's type. Every attempt is audited, whatever its outcome.
 */
export class WriteBack {
  constructor(
    private readonly registry: TagRegistry,
    private readonly connectors: () => Connector[],
    private readonly audit: AuditLog,
  ) {}

  async write(path: string, value: unknown, user = 'anonymous', reason?: string): Promise<AuditRecord> {
    const base = { ts: Date.now(), action: 'write' as const, tag: path, value, user, reason };
    const tag = this.registry.get(path);
    if (!tag) throw this.refuse('unknown_tag', `tag '${path}' is not in the plant model`, base);
    const connector = this.connectors().find((c) => c.id === tag.source);
    if (!connector?.write) {
      throw this.refuse('read_only', `tag '${path}' comes from '${tag.source ?? 'nowhere'}', which cannot write back`, { ...base, connector: tag.source });
    }
    const checked = normalizeSample({ tag: path, ts: base.ts, value }, tag);
    if (!checked.ok) throw this.refuse('wrong_type', checked.detail, { ...base, connector: connector.id });
    try {
      await connector.write(path, checked.sample.value as SampleValue);
    } catch (error) {
      throw this.refuse('failed', `${connector.id} could not write '${path}': ${(error as Error).message}`, { ...base, connector: connector.id });
    }
    return this.audit.record({ ...base, value: checked.sample.value, connector: connector.id, result: 'ok' });
  }

  private refuse(refusal: WriteRefusal, detail: string, record: Omit<AuditRecord, 'result'>): WriteError {
    const audit = this.audit.record({ ...record, result: refusal === 'failed' ? 'failed' : 'refused', detail });
    return new WriteError(refusal, detail, audit);
  }
}
