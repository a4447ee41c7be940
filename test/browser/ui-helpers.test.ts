// The dashboard's pure helpers (no browser needed): state colours, plant-time conversions, number formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stateLabel, stateStyle } from '../../src/ui/states.js';
import { formatDateTime, formatDuration, parsePlantLocal, setPlantTimeZone, toPlantLocal, zoneLabel, zoneOffset } from '../../src/ui/time.js';
import { formatBytes, formatNumber, formatValue, tagLabel } from '../../src/ui/format.js';

test('every simulator state has its own colour family', () => {
  const expected: Record<string, string> = {
    offline: 'offline',
    running: 'running',
    idle: 'idle',
    starved: 'starved',
    blocked: 'blocked',
    setup: 'setup',
    breakdown: 'breakdown',
    minor_stop: 'minor_stop',
    planned_break: 'planned',
    planned_maintenance: 'planned',
  };
  for (const [name, key] of Object.entries(expected)) assert.equal(stateStyle(name).key, key, name);
  assert.equal(stateStyle('Minor Stop').key, 'minor_stop');
  assert.equal(stateStyle('unplanned downtime').key, 'breakdown');
  assert.equal(stateStyle(undefined).key, 'unknown');
  assert.equal(stateStyle('something else').key, 'unknown');
  assert.equal(stateLabel('planned_break'), 'Planned break');
});

test('plant local time round-trips through datetime-local values, across DST', () => {
  setPlantTimeZone('Europe/Berlin');
  assert.equal(parsePlantLocal('2025-11-26T11:00'), Date.parse('2025-11-26T10:00:00Z'));
  assert.equal(parsePlantLocal('2025-07-01T12:00'), Date.parse('2025-07-01T10:00:00Z'));
  assert.equal(toPlantLocal(Date.parse('2025-07-01T10:00:00Z')), '2025-07-01T12:00');
  assert.equal(zoneOffset(Date.parse('2025-01-15T00:00:00Z')), 3_600_000);
  assert.equal(zoneOffset(Date.parse('2025-07-15T00:00:00Z')), 7_200_000);
  assert.equal(formatDateTime(Date.parse('2025-07-01T10:00:00Z'), Date.parse('2025-11-26T10:00:00Z')), '2025-07-01 12:00:00');
  assert.equal(formatDateTime(Date.parse('2025-07-01T10:00:00Z'), Date.parse('2025-07-01T20:00:00Z')), '12:00:00');
  assert.equal(zoneLabel(Date.parse('2025-01-15T00:00:00Z')), 'CET');
  assert.equal(parsePlantLocal('not a time'), null);
  setPlantTimeZone('America/Chicago');
  assert.equal(zoneLabel(Date.parse('2025-01-15T12:00:00Z')), 'CST');
  assert.equal(toPlantLocal(Date.parse('2025-01-15T12:00:00Z')), '2025-01-15T06:00');
  setPlantTimeZone('UTC');
});

test('numbers keep a steady precision; counts are whole; states show names', () => {
  assert.equal(formatNumber(1234.5), '1,235');
  assert.equal(formatNumber(12.345), '12.35');
  assert.equal(formatNumber(1.6, true), '1.60');
  assert.equal(formatNumber(0.01234), '0.012');
  assert.equal(formatValue(28228, { type: 'number', role: 'good_count', unit: 'pcs' }), '28,228');
  assert.equal(formatValue(3, { type: 'number', states: { '3': 'starved' } }), 'starved');
  assert.equal(formatValue(true, { type: 'boolean' }), 'yes');
  // A reading keeps the precision its tag has shown: 36.2 then 49 reads 49.0, never 49.00.
  const temperature = { type: 'number' as const, unit: 'degC', path: 'acme/t/temperature' };
  assert.equal(formatValue(36.2, temperature), '36.2');
  assert.equal(formatValue(49, temperature), '49.0');
  assert.equal(formatValue(0.1 + 0.2, { type: 'number', path: 'acme/t/noisy' }), '0.300');
  assert.equal(formatValue(undefined), '—');
  assert.equal(formatBytes(8_600_000), '8.6 MB');
  assert.equal(formatDuration(3 * 3_600_000 + 12 * 60_000), '3 h 12 min');
  assert.equal(tagLabel('good_count'), 'Good count');
  assert.equal(tagLabel('samplesEmitted'), 'Samples emitted');
});
