// The sample config loads, quality mapping is right for every severity, YAML rendering round-trips.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { StatusCodes } from 'node-opcua';
import { parse } from 'yaml';
import { renderMappingYaml } from './browse.js';
import { tagSegment } from './naming.js';
import { opcuaConnectorSchema } from './config.js';
import { qualityOf } from './quality.js';

describe('opcua docs and pure parts', () => {
  it('sample-config.yaml is a valid opcua block', () => {
    const config = opcuaConnectorSchema.parse(parse(readFileSync(join(import.meta.dirname, 'sample-config.yaml'), 'utf8')));
    assert.equal(config.securityMode, 'SignAndEncrypt');
    assert.equal(config.subscription.publishingInterval, 1000);
    assert.equal(config.mappings.length, 4);
  });

  it('refuses a bad endpoint and says how it should look', () => {
    const result = opcuaConnectorSchema.safeParse({ endpoint: 'http://x' });
    assert.equal(result.success, false);
    assert.match(result.error!.issues[0].message, /opc\.tcp:\/\/host:4840/);
  });

  it('maps status code severity to quality', () => {
    assert.equal(qualityOf(StatusCodes.Good), 'good');
    assert.equal(qualityOf(StatusCodes.GoodClamped), 'good');
    assert.equal(qualityOf(StatusCodes.UncertainLastUsableValue), 'uncertain');
    assert.equal(qualityOf(StatusCodes.UncertainSensorNotAccurate), 'uncertain');
    assert.equal(qualityOf(StatusCodes.BadSensorFailure), 'bad');
    assert.equal(qualityOf(StatusCodes.BadCommunicationError), 'bad');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (code) => {
        assert.equal(qualityOf(code), code < 0x4000_0000 ? 'good' : code < 0x8000_0000 ? 'uncertain' : 'bad');
      }),
    );
  });

  it('renders mappings as YAML that parses back', () => {
    const yaml = renderMappingYaml([{ nodeId: 'ns=2;s=A.B', tag: 'acme/x/y/z/m/t', unit: 'degC' }, { nodeId: 'ns=2;i=5', tag: 'acme/x/y/z/m/run', type: 'boolean', writable: true }]);
    const config = opcuaConnectorSchema.parse({ endpoint: 'opc.tcp://h:4840', ...parse(yaml) });
    assert.deepEqual(
      config.mappings.map((m) => [m.nodeId, m.tag, m.type, m.unit, m.writable]),
      [
        ['ns=2;s=A.B', 'acme/x/y/z/m/t', 'number', 'degC', false],
        ['ns=2;i=5', 'acme/x/y/z/m/run', 'boolean', undefined, true],
      ],
    );
    assert.equal(tagSegment('3:Oil Temperature (PT100)'), 'oil_temperature_pt100');
  });
});
