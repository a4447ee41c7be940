// mqtt.js calls its `debug` logger a hundred-odd times per connection setup and several times per
// packet; even switched off, each call evaluates `debug`'s `enabled` getter. At tens of thousands of
// messages per second that was a few per cent of the event loop, so Loom's clients get a no-op logger,
// unless DEBUG is set (then mqtt.js logs as usual, e.g. DEBUG=mqttjs* to trace a connection).

const silent = (): void => {};

/**
 * The `log` option for Loom's MQTT clients: a no-op, or undefined (mqtt.js's own `debug`) when DEBUG is set.
 * @example mqtt.connect(url, { clientId, log: mqttClientLog() })
 */
export function mqttClientLog(): ((...args: unknown[]) => void) | undefined {
  return process.env.DEBUG ? undefined : silent;
}
