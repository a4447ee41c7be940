// What the host knows about one edge node and its devices: metrics declared in the births (by name
// and alias), the Loom tag each one feeds, the last value of each (to mark it stale on death), and the
// seq/bdSeq bookkeeping of the node.
import type { SampleValue } from '../../model/index.js';
import type { RawMessage } from './codec.js';

/** A metric declared in a BIRTH. Template instances hold their members instead of a tag. */
export interface MetricInfo {
  name: string;
  alias?: number | string;
  datatype: number;
  /** Full tag path; undefined for templates (their members have paths). */
  path?: string;
  /** Template members by member name. */
  members?: Map<string, MetricInfo>;
  /** For a template: the definition its instance refers to (carried again in commands). */
  templateRef?: string;
  /** For a template member: the template metric it belongs to (commands are addressed through it). */
  parent?: MetricInfo;
  /** Last live value, re-sent with quality bad when the node or device dies. */
  lastValue?: SampleValue;
}

/** The metrics of a node or of one device. */
export class MetricScope {
  born = false;
  readonly byAlias = new Map<number | string, MetricInfo>();
  readonly byName = new Map<string, MetricInfo>();
  /** Every leaf (tag-carrying) metric, templates flattened. */
  readonly leaves: MetricInfo[] = [];

  constructor(readonly asset: string) {}

  reset(): void {
    this.byAlias.clear();
    this.byName.clear();
    this.leaves.length = 0;
  }
}

/** A message held back because its seq came early, waiting for the missing ones. */
export interface PendingMessage {
  seq: number;
  type: 'DBIRTH' | 'NDATA' | 'DDATA' | 'DDEATH';
  topic: string;
  device?: string;
  payload: RawMessage;
  receivedAt: number;
}

export class NodeSession extends MetricScope {
  /** bdSeq of the current NBIRTH; NDEATH acts only when it carries the same. */
  bdSeq: number | string | undefined;
  /** seq of the last message processed in order. */
  lastSeq = 0;
  readonly pending = new Map<number, PendingMessage>();
  reorderTimer: ReturnType<typeof setTimeout> | undefined;
  /** When a rebirth was last requested (ms), for the rebirth interval. */
  lastRebirthAt = Number.NEGATIVE_INFINITY;
  readonly devices = new Map<string, MetricScope>();
  /** Template definitions from the NBIRTH, by name. */
  readonly templates = new Map<string, RawMessage>();

  constructor(
    readonly group: string,
    readonly node: string,
    asset: string,
  ) {
    super(asset);
  }
}

/** Where a written tag lives: its node, device (if any) and declared metric. */
export interface TagAddress {
  session: NodeSession;
  device?: string;
  metric: MetricInfo;
}
