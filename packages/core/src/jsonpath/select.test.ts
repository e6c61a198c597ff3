import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseJsonPath } from './parse.ts';
import { formatConcretePath, selectPaths, valueAtPath, type ConcretePath } from './select.ts';

function paths(root: unknown, text: string): ConcretePath[] {
  const parsed = parseJsonPath(text);
  assert.ok(parsed.ok, `${text} should parse`);
  return selectPaths(root, parsed.path);
}

// The worked example of the reference: a values file with codefresh and argo-cd settings.
const values = parse(`
global:
  codefresh:
    url: https://g.codefresh.io
    tls:
      create: false
argo-cd:
  tls:
    create: true
    caCert: abc
appVersion: 1.4.2
`);

const images = parse(`
image: {repository: app, tag: "1.0"}
sidecar:
  image:
    repository: envoy
    tag: v1.29
jobs:
  - name: migrate
    image: {repository: tool, tag: "7"}
  - name: noop
  - name: seed
    image: {repository: tool, tag: "8"}
`);

describe('selectPaths', () => {
  const cases: [string, unknown, string, ConcretePath[]][] = [
    ['the root', values, '$', [[]]],
    ['a top-level scalar', values, '$.appVersion', [['appVersion']]],
    ['a dashed key in brackets', values, "$['argo-cd'].tls.create", [['argo-cd', 'tls', 'create']]],
    ['every child of a map, an object among them', values, '$.global.codefresh.*', [['global', 'codefresh', 'url'], ['global', 'codefresh', 'tls']]],
    ['every tls object at any depth', values, '$..tls', [['global', 'codefresh', 'tls'], ['argo-cd', 'tls']]],
    [
      'every create at any depth, in document order',
      values,
      '$..create',
      [['global', 'codefresh', 'tls', 'create'], ['argo-cd', 'tls', 'create']],
    ],
    [
      'nested image tags, including inside lists',
      images,
      '$..image.tag',
      [['image', 'tag'], ['sidecar', 'image', 'tag'], ['jobs', 0, 'image', 'tag'], ['jobs', 2, 'image', 'tag']],
    ],
    ['an index', images, '$.jobs[2].name', [['jobs', 2, 'name']]],
    ['an index past the end selects nothing', images, '$.jobs[3]', []],
    ['a missing key selects nothing', values, '$.image.tag', []],
    ['a key does not select a list item', images, "$.jobs['0']", []],
    ['an index does not select a map key', { '0': 'a' }, '$[0]', []],
    ['a wildcard over a list', images, '$.jobs[*].name', [['jobs', 0, 'name'], ['jobs', 1, 'name'], ['jobs', 2, 'name']]],
    ['a wildcard selects nothing in a scalar', values, '$.appVersion.*', []],
    ['recursive index', { a: [1, [2, 3]], b: { c: [4] } }, '$..[0]', [['a', 0], ['a', 1, 0], ['b', 'c', 0]]],
    [
      'every node, parents before children, each once',
      { a: { b: 1 }, c: [2] },
      '$..*',
      [['a'], ['a', 'b'], ['c'], ['c', 0]],
    ],
    ['overlapping descents give each node once', { a: { a: { a: 1 } } }, '$..a..a', [['a', 'a'], ['a', 'a', 'a']]],
    ['a scalar root', 'text', '$.x', []],
  ];
  for (const [name, root, text, expected] of cases) {
    it(`${name}: ${text}`, () => assert.deepEqual(paths(root, text), expected));
  }

  it('stops descending at a value met again below itself (a cycle)', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    assert.deepEqual(paths(a, '$..name'), [['name'], ['self', 'name']]);
  });
});

describe('valueAtPath', () => {
  const cases: [string, ConcretePath, ReturnType<typeof valueAtPath>][] = [
    ['the root', [], { found: true, value: values }],
    ['a nested map', ['argo-cd', 'tls'], { found: true, value: { create: true, caCert: 'abc' } }],
    ['a list item', ['jobs', 1], { found: true, value: { name: 'noop' } }],
    ['a missing key', ['sidecar', 'tag'], { found: false }],
    ['a step into a scalar', ['sidecar', 'image', 'tag', 'x'], { found: false }],
  ];
  for (const [name, path, expected] of cases) {
    it(name, () => assert.deepEqual(valueAtPath(name === 'the root' || name === 'a nested map' ? values : images, path), expected));
  }
});

describe('formatConcretePath', () => {
  const cases: [ConcretePath, string][] = [
    [[], '$'],
    [['image', 'tag'], '$.image.tag'],
    [['argo-cd', 'tls'], "$['argo-cd'].tls"],
    [['jobs', 0, 'image'], '$.jobs[0].image'],
    [['a.b', 'c d', '9x'], "$['a.b']['c d']['9x']"],
    [["it's", 'back\\slash', 'new\nline'], "$['it\\'s']['back\\\\slash']['new\\nline']"],
    [['0'], "$['0']"],
  ];
  for (const [path, text] of cases) {
    it(`${JSON.stringify(path)} → ${text}`, () => assert.equal(formatConcretePath(path), text));
    it(`${text} reads back as ${JSON.stringify(path)}`, () => {
      const parsed = parseJsonPath(text);
      assert.ok(parsed.ok);
      const back = parsed.path.map((s) => (s.selector.kind === 'index' ? s.selector.index : s.selector.kind === 'key' ? s.selector.key : '*'));
      assert.deepEqual(back, path);
    });
  }
});
