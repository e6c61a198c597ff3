import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isShorthandKey, parseJsonPath, type JsonPathSegment } from './parse.ts';

const key = (k: string, descendant = false): JsonPathSegment => ({ descendant, selector: { kind: 'key', key: k } });
const index = (i: number, descendant = false): JsonPathSegment => ({ descendant, selector: { kind: 'index', index: i } });
const all = (descendant = false): JsonPathSegment => ({ descendant, selector: { kind: 'wildcard' } });

describe('parseJsonPath', () => {
  const valid: [string, JsonPathSegment[]][] = [
    ['$', []],
    ['$.image.tag', [key('image'), key('tag')]],
    ['$.appVersion', [key('appVersion')]],
    ["$['argo-cd'].tls.create", [key('argo-cd'), key('tls'), key('create')]],
    ['$["argo-cd"]["x"]', [key('argo-cd'), key('x')]],
    ["$['a.b c']", [key('a.b c')]],
    ["$['it\\'s']", [key("it's")]],
    ['$["say \\"hi\\""]', [key('say "hi"')]],
    ["$['back\\\\slash']", [key('back\\slash')]],
    ["$['\\u00e9t\\u00e9\\n']", [key('été\n')]],
    ["$[\"it's\"]", [key("it's")]],
    ["$['']", [key('')]],
    ["$[ 'spaced' ]", [key('spaced')]],
    ['$.containers[0].image', [key('containers'), index(0), key('image')]],
    ['$[10][2]', [index(10), index(2)]],
    ['$.global.codefresh.*', [key('global'), key('codefresh'), all()]],
    ['$.list[*].name', [key('list'), all(), key('name')]],
    ['$..tls', [key('tls', true)]],
    ['$..image.tag', [key('image', true), key('tag')]],
    ['$..*', [all(true)]],
    ["$..['dashed-key']", [key('dashed-key', true)]],
    ['$..[1]', [index(1, true)]],
    ['$..[*]', [all(true)]],
    ['$._private.x_1', [key('_private'), key('x_1')]],
    ['$.größe', [key('größe')]],
  ];
  for (const [text, path] of valid) {
    it(`reads ${text}`, () => assert.deepEqual(parseJsonPath(text), { ok: true, path }));
  }

  const invalid: [string, string, number][] = [
    ['', 'unexpected end at character 1: expected "$" at the start', 0],
    ['image.tag', 'unexpected "i" at character 1: expected "$" at the start', 0],
    ['$.', 'unexpected end at character 3: expected a key or "*" after "."', 2],
    ['$.image.]', 'unexpected "]" at character 9: expected a key or "*" after "."', 8],
    ['$.0', 'unexpected "0" at character 3: expected a key or "*" after "."', 2],
    [
      '$.argo-cd.tls',
      `unexpected "-" at character 7: expected "." or "["; a key with characters other than letters, digits and "_" goes in brackets: ['argo-cd']`,
      6,
    ],
    ['$image', 'unexpected "i" at character 2: expected "." or "["', 1],
    [
      "$..it's",
      `unexpected "'" at character 6: expected "." or "["; a key with characters other than letters, digits and "_" goes in brackets: ['it\\'s']`,
      5,
    ],
    ["$['a']x", 'unexpected "x" at character 7: expected "." or "["', 6],
    ['$...a', 'unexpected "." at character 4: expected a key, "*" or "[" after ".."', 3],
    ['$..', 'unexpected end at character 4: expected a key, "*" or "[" after ".."', 3],
    ['$[', 'unexpected end at character 3: expected a quoted key, an index or "*" after "["', 2],
    ['$[a]', 'unexpected "a" at character 3: expected a quoted key, an index or "*" after "["', 2],
    ['$[-1]', 'unexpected "-" at character 3: expected a non-negative index', 2],
    ['$[01]', 'unexpected "0" at character 3: expected an index without leading zeros', 2],
    ['$[1', 'unexpected end at character 4: expected "]"', 3],
    ['$[1:2]', 'unexpected ":" at character 4: expected "]"', 3],
    ["$['a','b']", 'unexpected "," at character 6: expected "]"', 5],
    ["$['abc", "unexpected end at character 7: expected a closing '", 6],
    ["$['a\\x']", `unexpected "x" at character 6: expected one of ' " \\ / b f n r t u after "\\"`, 5],
    ["$['a\\u12g4']", 'unexpected "1" at character 7: expected four hexadecimal digits after "\\u"', 6],
    ['$[?(@.a)]', 'unexpected "?" at character 3: expected a quoted key, an index or "*" after "["', 2],
    ['$[99999999999999999999]', 'unexpected "9" at character 3: expected a smaller index', 2],
  ];
  for (const [text, message, at] of invalid) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.deepEqual(parseJsonPath(text), { ok: false, message, index: at }));
  }
});

describe('isShorthandKey', () => {
  const cases: [string, boolean][] = [
    ['image', true],
    ['_x9', true],
    ['été', true],
    ['9lives', false],
    ['argo-cd', false],
    ['a.b', false],
    ['', false],
    ['a b', false],
  ];
  for (const [k, expected] of cases) it(`${JSON.stringify(k)} → ${expected}`, () => assert.equal(isShorthandKey(k), expected));
});
