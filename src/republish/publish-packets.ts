// MQTT 3.1.1 PUBLISH packets (QoS 0) for a whole batch, in one buffer. The republisher writes this to
// the client's socket in one call instead of one `client.publish` per sample: mqtt.js builds a packet
// object, runs its topic-alias, store and logging steps and writes three or four chunks per message,
// which costs several times the encoding itself at tens of thousands of messages per second.

/** `<prefix>/<tag>` as it goes on the wire, kept per tag (the same tags are republished over and over). */
export class TopicCache {
  private readonly encoded = new Map<string, Buffer>();

  constructor(
    private readonly prefix: string,
    private readonly limit = 100_000,
  ) {}

  /** The tag's topic: two length bytes, then UTF-8. */
  get(tag: string): Buffer {
    let bytes = this.encoded.get(tag);
    if (bytes === undefined) {
      const topic = `${this.prefix}/${tag}`;
      const length = Buffer.byteLength(topic);
      if (length > 0xffff) throw new Error(`topic '${topic.slice(0, 100)}...' is ${length} bytes, over MQTT's 65,535`);
      bytes = Buffer.allocUnsafe(2 + length);
      bytes.writeUInt16BE(length, 0);
      bytes.write(topic, 2, 'utf8');
      if (this.encoded.size >= this.limit) this.encoded.clear();
      this.encoded.set(tag, bytes);
    }
    return bytes;
  }
}

/** Bytes of the Remaining Length field for `length`. */
function varintBytes(length: number): number {
  return length < 128 ? 1 : length < 16_384 ? 2 : length < 2_097_152 ? 3 : 4;
}

/**
 * Encodes QoS 0 PUBLISH packets, one per (topic, payload) pair, back to back in one buffer.
 *
 * @example
 * const topics = new TopicCache('uns/v1');
 * socket.write(encodePublishBatch([topics.get('acme/press-1/temperature')], ['{"ts":1,"value":2,"quality":"good"}'], false));
 */
export function encodePublishBatch(topics: readonly Buffer[], payloads: readonly string[], retain: boolean): Buffer {
  const n = topics.length;
  const payloadBytes = new Array<number>(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = Buffer.byteLength(payloads[i]);
    payloadBytes[i] = p;
    const remaining = topics[i].length + p;
    total += 1 + varintBytes(remaining) + remaining;
  }
  const out = Buffer.allocUnsafe(total);
  const header = retain ? 0x31 : 0x30;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const topic = topics[i];
    let remaining = topic.length + payloadBytes[i];
    out[at++] = header;
    do {
      let digit = remaining % 128;
      remaining = Math.floor(remaining / 128);
      if (remaining > 0) digit |= 0x80;
      out[at++] = digit;
    } while (remaining > 0);
    at += topic.copy(out, at);
    at += out.write(payloads[i], at, 'utf8');
  }
  return out;
}
