import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mqttClientLog } from './client-log.js';

test("mqttClientLog: a no-op without DEBUG, mqtt.js's own debug (undefined) with it", () => {
  const saved = process.env.DEBUG;
  try {
    delete process.env.DEBUG;
    const log = mqttClientLog();
    assert.equal(typeof log, 'function');
    assert.equal(log?.('connect', { clientId: 'x' }), undefined);
    process.env.DEBUG = 'mqttjs*';
    assert.equal(mqttClientLog(), undefined);
  } finally {
    if (saved === undefined) delete process.env.DEBUG;
    else process.env.DEBUG = saved;
  }
});
