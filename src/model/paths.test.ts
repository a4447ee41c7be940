import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topicMatches, patternError, isValidSegment, parentPath } from './paths.js';

test('topicMatches follows MQTT wildcard semantics', () => {
  const cases: Array<[string, string, boolean]> = [
    ['a/b/c', 'a/b/c', true],
    ['a/b/c', 'a/b/d', false],
    ['a/+/c', 'a/x/c', true],
    ['a/+/c', 'a/x/y/c', false],
    ['a/+', 'a/x', true],
    ['a/+', 'a', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c/d', true],
    ['a/#', 'ab/c', false],
    ['#', 'anything/at/all', true],
    ['+/+', 'a/b', true],
    ['+/+', 'a/b/c', false],
    ['a/b', 'a/b/c', false],
    ['a/b/c', 'a/b', false],
    ['+/b/#', 'x/b', true],
    ['acme/+/assembly/#', 'acme/berlin/assembly/line-1/press-1/temperature', true],
    ['#', '$events/spc/a/b', false],
    ['+/spc/#', '$events/spc/a', false],
    ['$events/#', '$events/spc/a/b', true],
    ['$events/spc/+/b', '$events/spc/a/b', true],
  ];
  for (const [pattern, topic, expected] of cases) {
    assert.equal(topicMatches(pattern, topic), expected, `${pattern} vs ${topic}`);
  }
});

test('patternError rejects misplaced wildcards', () => {
  assert.equal(patternError('a/#'), undefined);
  assert.equal(patternError('a/+/b'), undefined);
  assert.match(patternError('a/#/b') ?? '', /last level/);
  assert.match(patternError('a/b+/c') ?? '', /whole level/);
  assert.match(patternError('') ?? '', /empty/);
});

test('segments and parents', () => {
  assert.ok(isValidSegment('press-1'));
  assert.ok(!isValidSegment('Press 1'));
  assert.ok(!isValidSegment('-x'));
  assert.equal(parentPath('a/b/c'), 'a/b');
  assert.equal(parentPath('a'), '');
});
