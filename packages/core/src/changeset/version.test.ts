import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readVersion, type VersionRead } from './version.ts';

const chart = 'apiVersion: v2\nname: app\nversion: 0.1.0\nappVersion: 1.10\n';
const values = 'image:\n  repository: app\n  tag: "2.3.1"\nbuild: {number: 42, flag: true, empty: "", none: null}\nlist: [a]\n';

describe('readVersion', () => {
  const cases: [string, string | undefined, string, string, VersionRead][] = [
    ['a plain number as written, not as a float', chart, 'Chart.yaml', '$.appVersion', { ok: true, version: '1.10' }],
    ['a string', chart, 'Chart.yaml', '$.version', { ok: true, version: '0.1.0' }],
    ['a nested quoted string', values, 'values.yaml', '$.image.tag', { ok: true, version: '2.3.1' }],
    ['a number in a flow map', values, 'values.yaml', "$.build['number']", { ok: true, version: '42' }],
    ['a boolean', values, 'values.yaml', '$.build.flag', { ok: true, version: 'true' }],
    ['the first match of a recursive path', values, 'values.yaml', '$..tag', { ok: true, version: '2.3.1' }],
    ['the first document that has it', 'kind: A\n---\nversion: 1.20\n', 'app.yml', '$.version', { ok: true, version: '1.20' }],
    ['JSON, a number as written', '{"version": 1.10, "name": "x"}', 'package.json', '$.version', { ok: true, version: '1.10' }],
    ['JSON, a string', '{"version": "3.0.0"}', 'package.json', '$.version', { ok: true, version: '3.0.0' }],
    ['a missing file', undefined, 'Chart.yaml', '$.appVersion', { ok: false, reason: 'file "Chart.yaml" not found' }],
    ['a missing path', chart, 'Chart.yaml', '$.nope', { ok: false, reason: '$.nope not found in Chart.yaml' }],
    ['a map', values, 'values.yaml', '$.image', { ok: false, reason: '$.image in values.yaml is a map, not a single value' }],
    ['a list', values, 'values.yaml', '$.list', { ok: false, reason: '$.list in values.yaml is a list, not a single value' }],
    ['an empty string', values, 'values.yaml', '$.build.empty', { ok: false, reason: '$.build.empty in values.yaml is empty' }],
    ['null', values, 'values.yaml', '$.build.none', { ok: false, reason: '$.build.none in values.yaml is empty' }],
    [
      'an invalid JSONPath',
      chart,
      'Chart.yaml',
      '$.app-version',
      {
        ok: false,
        reason: `JSONPath "$.app-version" is not valid: unexpected "-" at character 6: expected "." or "["; a key with characters other than letters, digits and "_" goes in brackets: ['app-version']`,
      },
    ],
    ['another file type', 'v1\n', 'VERSION', '$', { ok: false, reason: 'VERSION is neither YAML nor JSON, so it holds no version' }],
    ['a file that does not parse', '{"a": ', 'package.json', '$.a', { ok: false, reason: 'package.json is not valid JSON: value expected at line 1, column 7' }],
  ];
  for (const [name, text, file, path, expected] of cases) it(name, () => assert.deepEqual(readVersion(text, file, path), expected));
});
