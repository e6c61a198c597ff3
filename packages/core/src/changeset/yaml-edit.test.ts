import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EditResult, ValueEdit } from './values.ts';
import { plainScalarSource, readYamlDocuments, setYamlValues, yamlParseError } from './yaml-edit.ts';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const ok = (text: string): EditResult => ({ ok: true, text });
const SHARED = { k: 1 };
const set = (path: (string | number)[], value: unknown, document?: number): ValueEdit => ({ path, value, ...(document === undefined ? {} : { document }) });

describe('setYamlValues', () => {
  const cases: [string, string, ValueEdit[], EditResult][] = [
    // Scalars: only the value's bytes change; comments and quoting stay.
    [
      'a plain scalar, keeping the trailing comment',
      lines('image:', '  repository: app # repo', '  tag: 1.2 # the tag', 'other: x'),
      [set(['image', 'tag'], '1.3')],
      ok(lines('image:', '  repository: app # repo', '  tag: "1.3" # the tag', 'other: x')),
    ],
    ['a string that would read as a float is quoted', lines('tag: v1'), [set(['tag'], '1.10')], ok(lines('tag: "1.10"'))],
    ['a string that reads as itself stays plain', lines('tag: v1 # c'), [set(['tag'], 'v2')], ok(lines('tag: v2 # c'))],
    ['"true" stays a string', lines('s: x'), [set(['s'], 'true')], ok(lines('s: "true"'))],
    ['"null" stays a string', lines('s: x'), [set(['s'], 'null')], ok(lines('s: "null"'))],
    ['"~" stays a string', lines('s: x'), [set(['s'], '~')], ok(lines('s: "~"'))],
    ['"0x1" stays a string', lines('s: x'), [set(['s'], '0x1')], ok(lines('s: "0x1"'))],
    ['"1e3" stays a string', lines('s: x'), [set(['s'], '1e3')], ok(lines('s: "1e3"'))],
    ['"yes" stays a string for YAML 1.1 readers (Helm) too', lines('s: x'), [set(['s'], 'yes')], ok(lines('s: "yes"'))],
    ['"1:20" stays a string for YAML 1.1 readers too', lines('s: x'), [set(['s'], '1:20')], ok(lines('s: "1:20"'))],
    ['a date-like string is quoted', lines('s: x'), [set(['s'], '2024-06-30')], ok(lines('s: "2024-06-30"'))],
    ['the empty string is quoted', lines('s: x'), [set(['s'], '')], ok(lines('s: ""'))],
    ['a string with ": " is quoted', lines('s: x'), [set(['s'], 'a: b')], ok(lines('s: "a: b"'))],
    ['a number stays plain', lines('replicas: "2"'), [set(['replicas'], 3)], ok(lines('replicas: 3'))],
    ['a boolean over a quoted string is plain', lines('s: "x"'), [set(['s'], true)], ok(lines('s: true'))],
    ['null', lines('s: x'), [set(['s'], null)], ok(lines('s: null'))],
    ['double quotes are kept', lines('tag: "1.2"'), [set(['tag'], '1.3')], ok(lines('tag: "1.3"'))],
    ["single quotes are kept, quotes doubled", lines("s: 'x'"), [set(['s'], "it's")], ok(lines("s: 'it''s'"))],
    ['a multi-line string over a plain scalar is double-quoted', lines('x: 1'), [set(['x'], 'line1\nline2')], ok(lines('x: "line1\\nline2"'))],
    [
      'a literal block scalar keeps its style and indentation',
      lines('a: |', '    line1', '    line2', 'b: 1'),
      [set(['a'], 'new1\nnew2\n')],
      ok(lines('a: |', '    new1', '    new2', 'b: 1')),
    ],
    ['a folded block scalar keeps its header comment', lines('a: >- # folded', '  long text', 'b: 1'), [set(['a'], 'other')], ok(lines('a: >- # folded', '  other', 'b: 1'))],
    ['an empty value', lines('a:', 'b: 1'), [set(['a'], 'x')], ok(lines('a: x', 'b: 1'))],
    ['a value inside a flow map', lines('a: {k: v, m: n} # c'), [set(['a', 'k'], 'w, x')], ok(lines('a: {k: "w, x", m: n} # c'))],
    ['an anchored scalar keeps its anchor and changes every alias', lines('t: &t 1.0', 'u: *t'), [set(['t'], '2.0')], ok(lines('t: &t "2.0"', 'u: *t'))],
    ['the same value makes no change', lines('a: 1.0 # c'), [set(['a'], 1)], ok(lines('a: 1.0 # c'))],

    // Maps and lists: replaced whole in value, minimal in text.
    [
      'a map over a map: changed keys written, missing keys removed, new keys added at the end',
      lines('res: # limits', '  cpu: 1 # c', '  mem: 2', 'next: 1'),
      [set(['res'], { cpu: 3, gpu: 1 })],
      ok(lines('res: # limits', '  cpu: 3 # c', '  gpu: 1', 'next: 1')),
    ],
    [
      'a map with no key in common is re-rendered',
      lines('res: # limits', '  cpu: 1', '  mem: 2', 'next: 1'),
      [set(['res'], { gpu: 1 })],
      ok(lines('res: # limits', '  gpu: 1', 'next: 1')),
    ],
    ['an empty map over a block map goes on the key line', lines('res:', '  cpu: 1', 'next: 1'), [set(['res'], {})], ok(lines('res: {}', 'next: 1'))],
    ['a map over an empty flow map', lines('res: {} # keep', 'next: 1'), [set(['res'], { a: 1, b: [1, 2] })], ok(lines('res: {a: 1, b: [1, 2]} # keep', 'next: 1'))],
    ['a flow map losing a key is re-rendered in flow style', lines('res: {a: 1, b: 2}'), [set(['res'], { a: 5, c: 'x y' })], ok(lines('res: {a: 5, c: x y}'))],
    [
      'a map over a scalar goes below the key, the comment stays on the key line',
      lines('x: 1 # c', 'y: 2'),
      [set(['x'], { a: [1, 2] })],
      ok(lines('x: # c', '  a:', '    - 1', '    - 2', 'y: 2')),
    ],
    ['a map over an anchored scalar keeps the anchor', lines('x: &anc 1', 'y: 2'), [set(['x'], { a: 1 })], ok(lines('x: &anc', '  a: 1', 'y: 2'))],
    [
      'a list of the same length is written item by item',
      lines('list:', '  - name: a # first', '    v: 1', 'next: 1'),
      [set(['list'], [{ name: 'a', v: 2 }])],
      ok(lines('list:', '  - name: a # first', '    v: 2', 'next: 1')),
    ],
    [
      'a longer list is re-rendered at its own indentation',
      lines('list:', '- a', '- b', 'next: 1'),
      [set(['list'], ['a', 'b', 'c'])],
      ok(lines('list:', '- a', '- b', '- c', 'next: 1')),
    ],
    ['a list item map with no key in common', lines('x:', '  - a: 1', '    b: 2'), [set(['x', 0], { c: 3, d: 4 })], ok(lines('x:', '  - c: 3', '    d: 4'))],

    ['a map over a list at its key\'s column moves right', lines('list:', '- x', '- y', 'next: 1'), [set(['list'], { a: 1 })], ok(lines('list:', '  a: 1', 'next: 1'))],
    ['a list over a map keeps the column', lines('res:', '  a: 1', 'list:', '- x'), [set(['res'], [1, 2])], ok(lines('res:', '  - 1', '  - 2', 'list:', '- x'))],
    ['a map over a block scalar keeps its header comment', lines('a: | # c', '  text', 'b: 1'), [set(['a'], { k: 'v' })], ok(lines('a: # c', '  k: v', 'b: 1'))],
    ['a longer flow list stays on its line', lines('a: [1, 2] # c'), [set(['a'], [1, 2, 3])], ok(lines('a: [1, 2, 3] # c'))],
    ['a padded flow list stays padded', lines('a: [ 1, 2 ]'), [set(['a'], [{ x: 'y z' }, 'a,b'])], ok(lines('a: [ {x: y z}, "a,b" ]'))],

    // Missing paths.
    ['a new key at the end of its map', lines('image:', '  tag: 1.2', 'z: 1'), [set(['image', 'pullPolicy'], 'Always')], ok(lines('image:', '  tag: 1.2', '  pullPolicy: Always', 'z: 1'))],
    [
      'missing parents are created at the end of the root map',
      lines('image:', '  tag: 1.2', 'z: 1'),
      [set(['new', 'deep', 'key'], 'v')],
      ok(lines('image:', '  tag: 1.2', 'z: 1', 'new:', '  deep:', '    key: v')),
    ],
    [
      'a text without a final newline keeps none',
      'a: 1\nz: 1',
      [set(['new'], 'v')],
      ok('a: 1\nz: 1\nnew: v'),
    ],
    [
      'new nested values use the indentation of the map',
      lines('a:', '    b:', '        c: 1'),
      [set(['a', 'd'], { e: { f: 1 } })],
      ok(lines('a:', '    b:', '        c: 1', '    d:', '        e:', '            f: 1')),
    ],
    ['a key under an empty value', lines('a:', 'b: 1'), [set(['a', 'c'], 'x')], ok(lines('a:', '  c: x', 'b: 1'))],
    ['a key in an empty flow map', lines('nodeSelector: {}'), [set(['nodeSelector', 'disk'], 'ssd')], ok(lines('nodeSelector: {disk: ssd}'))],
    ['the next item of a block list', lines('list:', '  - a', 'next: 1'), [set(['list', 1], { b: 1 })], ok(lines('list:', '  - a', '  - b: 1', 'next: 1'))],
    ['the next item of a flow list', lines('list: [a] # c'), [set(['list', 1], 'b')], ok(lines('list: [a, b] # c'))],
    ['a key that needs quotes', lines('a: 1'), [set(['b: c'], 1)], ok(lines('a: 1', '"b: c": 1'))],
    ['a key YAML 1.1 reads as a boolean is quoted', lines('a: 1'), [set(['n'], 'no')], ok(lines('a: 1', '"n": "no"'))],
    [
      'new values: nested lists and maps, multi-line strings as block scalars, no anchors for shared objects',
      lines('a: 1'),
      [set(['b'], { list: [{ name: 'x', args: ['--v', 'yes'] }, []], text: 'l1\nl2\n', same: [SHARED, SHARED] })],
      ok(lines('a: 1', 'b:', '  list:', '    - name: x', '      args:', '        - --v', '        - "yes"', '    - []', '  text: |', '    l1', '    l2', '  same:', '    - k: 1', '    - k: 1')),
    ],
    ['an empty file receives the value', '# only a comment\n', [set(['image', 'tag'], 'v1')], ok(lines('# only a comment', 'image:', '  tag: v1'))],

    [
      'Windows line endings are kept',
      'a:\r\n  b: 1 # c\r\nz: 1\r\n',
      [set(['a', 'b'], 2), set(['new', 'm'], 'x')],
      ok('a:\r\n  b: 2 # c\r\nz: 1\r\nnew:\r\n  m: x\r\n'),
    ],
    [
      'a flow map over several lines',
      lines('a: {', '  b: 1,', '  c: 2', '}'),
      [set(['a', 'b'], 5), set(['a', 'd'], 'x')],
      ok(lines('a: {', '  b: 5,', '  c: 2, d: x', '}')),
    ],
    ['a root list', lines('- a # first', '- b'), [set([1], 'c')], ok(lines('- a # first', '- c'))],
    ['a quoted key', lines('"a.b": 1 # c'), [set(['a.b'], 2)], ok(lines('"a.b": 2 # c'))],

    // Documents and aliases.
    ['the second document', lines('a: 1', '---', 'b: 2'), [set(['b'], 3, 1)], ok(lines('a: 1', '---', 'b: 3'))],
    ['a comment-only document does not count', lines('# head', '---', 'a: 1', '---', 'b: 2'), [set(['b'], 3, 1)], ok(lines('# head', '---', 'a: 1', '---', 'b: 3'))],
    ['an edit below an alias changes the anchored node', lines('base: &b', '  x: 1', 'use: *b'), [set(['use', 'x'], 2)], ok(lines('base: &b', '  x: 2', 'use: *b'))],
    ['an alias written over is replaced, the anchor stays', lines('base: &b', '  x: 1', 'use: *b'), [set(['use'], { x: 3 })], ok(lines('base: &b', '  x: 1', 'use:', '  x: 3'))],
    ['an alias over a scalar', lines('t: &t 1', 'u: *t'), [set(['u'], 2)], ok(lines('t: &t 1', 'u: 2'))],

    ['a merge key is an ordinary key whose alias is followed', lines('base: &b {x: 1}', 'j:', '  <<: *b', '  y: 2'), [set(['j', '<<', 'x'], 2)], ok(lines('base: &b {x: 2}', 'j:', '  <<: *b', '  y: 2'))],
    ['an empty list item', lines('a:', '  - x', '  -'), [set(['a', 1], 'z')], ok(lines('a:', '  - x', '  - z'))],
    ['a new item of a root list', lines('- a', '- b'), [set([2], { k: [1] })], ok(lines('- a', '- b', '- k:', '    - 1'))],

    // Refusals.
    [
      'an alias without anchor',
      lines('a: *x'),
      [set(['a'], 1)],
      { ok: false, rule: 'parse-error', message: 'Unresolved alias (the anchor must be set before the alias): x' },
    ],
    [
      'a path through a scalar',
      lines('s: x'),
      [set(['s', 'q'], 1)],
      { ok: false, rule: 'cannot-edit', message: 'cannot create $.s.q: $.s is the scalar "x" in the target' },
    ],
    [
      'an index past the end of a list',
      lines('s: [1, 2]'),
      [set(['s', 5], 1)],
      { ok: false, rule: 'cannot-edit', message: 'cannot create $.s[5]: the list at $.s has 2 items in the target' },
    ],
    [
      'a document that does not exist',
      lines('a: 1'),
      [set(['a'], 2, 1)],
      { ok: false, rule: 'cannot-edit', message: 'the file has 1 YAML documents, so no document 2' },
    ],
    [
      'two edits reaching one node through an alias with different values',
      lines('base: &b', '  x: 1', 'use: *b'),
      [set(['base', 'x'], 2), set(['use', 'x'], 3)],
      {
        ok: false,
        rule: 'cannot-edit',
        message: '$.base.x does not hold the promoted value after the edit; another edited path shares its node through a YAML alias',
      },
    ],
    [
      'a text that does not parse',
      lines('a: 1', ' b: 2'),
      [set(['a'], 2)],
      { ok: false, rule: 'parse-error', message: 'Nested mappings are not allowed in compact mappings at line 1, column 4' },
    ],
  ];
  for (const [name, text, edits, expected] of cases) {
    it(name, () => assert.deepEqual(setYamlValues(text, edits), expected));
  }
});

describe('readYamlDocuments', () => {
  it('reads the non-empty documents, aliases as values', () => {
    assert.deepEqual(readYamlDocuments(lines('a: &x {b: 1}', 'c: *x', '---', '# nothing', '---', '- 1')), { ok: true, values: [{ a: { b: 1 }, c: { b: 1 } }, [1]] });
  });
  it('reports the first parse error with its line', () => {
    assert.deepEqual(readYamlDocuments('a: [1\n'), { ok: false, message: yamlParseError('a: [1\n') });
    assert.match(yamlParseError('a: [1\n') ?? '', /at line \d+, column \d+$/);
  });
});

describe('plainScalarSource', () => {
  const text = lines('appVersion: 1.10', 'name: "1.10"', 'ref: &v 2.0', 'use: *v', '---', 'v: 3.10');
  const cases: [number, (string | number)[], string | undefined][] = [
    [0, ['appVersion'], '1.10'],
    [0, ['name'], undefined],
    [0, ['use'], '2.0'],
    [1, ['v'], '3.10'],
    [0, ['missing'], undefined],
    [2, ['v'], undefined],
  ];
  for (const [doc, path, expected] of cases) it(`${doc} ${path.join('.')}`, () => assert.equal(plainScalarSource(text, doc, path), expected));
});
