import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectJsonFormatting, readJsonDocument, setJsonValues } from './json-edit.ts';
import type { EditResult, ValueEdit } from './values.ts';

const ok = (text: string): EditResult => ({ ok: true, text });
const set = (path: (string | number)[], value: unknown): ValueEdit => ({ path, value });

describe('setJsonValues', () => {
  const cases: [string, string, ValueEdit[], EditResult][] = [
    ['a scalar changes only its bytes, even on a compact line', '{\n  "a": 1,\n  "b": {"c": 2}\n}\n', [set(['a'], '2')], ok('{\n  "a": "2",\n  "b": {"c": 2}\n}\n')],
    ['a scalar inside a compact object', '{"a": {"b": 1, "c": 2}}', [set(['a', 'c'], 3)], ok('{"a": {"b": 1, "c": 3}}')],
    ['the same value makes no change', '{ "a" : 1 }', [set(['a'], 1)], ok('{ "a" : 1 }')],
    [
      'missing parents are created, laid out with the file indentation',
      '{\n    "a": 1\n}\n',
      [set(['b', 'c'], { d: [1] })],
      ok('{\n    "a": 1,\n    "b": {\n        "c": {\n            "d": [\n                1\n            ]\n        }\n    }\n}\n'),
    ],
    [
      'tabs are kept, and the missing final newline stays missing',
      '{\n\t"a": 1,\n\t"b": {\n\t\t"c": 2\n\t}\n}',
      [set(['b'], { c: 3, d: [1, 2] })],
      ok('{\n\t"a": 1,\n\t"b": {\n\t\t"c": 3,\n\t\t"d": [\n\t\t\t1,\n\t\t\t2\n\t\t]\n\t}\n}'),
    ],
    [
      'a map over a map removes the keys the new value lacks',
      '{\n    "a": 1,\n    "b": {\n        "c": 2,\n        "x": 1\n    }\n}\n',
      [set(['b'], { c: 3 })],
      ok('{\n    "a": 1,\n    "b": {\n        "c": 3\n    }\n}\n'),
    ],
    ['CRLF line endings are kept', '{\r\n  "a": 1\r\n}\r\n', [set(['b'], { x: 1 })], ok('{\r\n  "a": 1,\r\n  "b": {\r\n    "x": 1\r\n  }\r\n}\r\n')],
    ['comments survive', '{\n  // the tag\n  "tag": "1.0" /* pinned */\n}\n', [set(['tag'], '1.1')], ok('{\n  // the tag\n  "tag": "1.1" /* pinned */\n}\n')],
    ['the next item of a list', '{\n  "l": [\n    1\n  ]\n}\n', [set(['l', 1], 2)], ok('{\n  "l": [\n    1,\n    2\n  ]\n}\n')],
    ['a key under null', '{\n  "l": null\n}\n', [set(['l', 'x'], 3)], ok('{\n  "l": {\n    "x": 3\n  }\n}\n')],
    ['the root', '{"a": 1}\n', [set([], [1, 2])], ok('[\n  1,\n  2\n]\n')],
    [
      'an index past the end of a list',
      '{\n  "l": [1, 2]\n}\n',
      [set(['l', 3], 3)],
      { ok: false, rule: 'cannot-edit', message: 'cannot create $.l[3]: the list at $.l has 2 items in the target' },
    ],
    [
      'a path through a scalar',
      '{\n  "l": 1\n}\n',
      [set(['l', 'x'], 3)],
      { ok: false, rule: 'cannot-edit', message: 'cannot create $.l.x: $.l is the number 1 in the target' },
    ],
    ['a text that does not parse', '{\n  "a": 1\n  "b": 2}\n', [set(['a'], 3)], { ok: false, rule: 'parse-error', message: 'comma expected at line 3, column 3' }],
    ['an empty text', '', [set(['a'], 3)], { ok: false, rule: 'parse-error', message: 'value expected at line 1, column 1' }],
  ];
  for (const [name, text, edits, expected] of cases) {
    it(name, () => assert.deepEqual(setJsonValues(text, edits), expected));
  }
});

describe('detectJsonFormatting', () => {
  const cases: [string, ReturnType<typeof detectJsonFormatting>][] = [
    ['{"a": 1}', { insertSpaces: true, tabSize: 2, eol: '\n' }],
    ['{\n    "a": 1\n}', { insertSpaces: true, tabSize: 4, eol: '\n' }],
    ['{\n\t"a": 1\n}', { insertSpaces: false, tabSize: 1, eol: '\n' }],
    ['{\r\n "a": 1\r\n}', { insertSpaces: true, tabSize: 1, eol: '\r\n' }],
  ];
  for (const [text, expected] of cases) it(JSON.stringify(text), () => assert.deepEqual(detectJsonFormatting(text), expected));
});

describe('readJsonDocument', () => {
  it('reads a value', () => assert.deepEqual(readJsonDocument('{"a": [1, {"b": null}]}'), { ok: true, value: { a: [1, { b: null }] } }));
  it('names the line of an error', () => assert.deepEqual(readJsonDocument('{\n  "a": \n}'), { ok: false, message: 'value expected at line 3, column 1' }));
});
