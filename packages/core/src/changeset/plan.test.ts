import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { error, warning } from '../problems.ts';
import type { PromotionFiles } from '../resources/schemas.ts';
import { unifiedDiff } from './diff.ts';
import { isSafeRelativePath, planChangeSet, type ChangeSet, type FileChange, type PlanChangeSetInput, type PropertyChange } from './plan.ts';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const files = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries));
const paths = (p: Record<string, string[]>): PromotionFiles => Object.fromEntries(Object.entries(p).map(([k, jsonPaths]) => [k, { jsonPaths }]));

function change(path: string, kind: FileChange['kind'], edits: PropertyChange[], before: string, after: string): FileChange {
  return { path, kind, edits, before, after, diff: unifiedDiff(path, before, after) };
}

const chartDev = lines('apiVersion: v2', 'name: app', 'version: 0.2.0', 'appVersion: "1.10"');
const chartQa = lines('apiVersion: v2', 'name: app', 'version: 0.1.0 # chart', 'appVersion: 1.9');
const valuesDev = lines(
  'image:',
  '  repository: registry/app',
  '  tag: v2',
  'sidecar:',
  '  image: {repository: envoy, tag: v1.30}',
  'resources:',
  '  limits: {cpu: 500m}',
);
const valuesQa = lines(
  '# qa values',
  'image:',
  '  repository: registry/app',
  '  tag: v1 # bumped by promotion',
  'sidecar:',
  '  image: {repository: envoy, tag: v1.29}',
  'resources:',
  '  limits: {cpu: 200m, memory: 1Gi}',
  'ingress: {host: qa.example}',
);

describe('planChangeSet', () => {
  const cases: [string, PlanChangeSetInput, ChangeSet][] = [
    [
      'JSONPaths in two files; a quoted "1.10" stays a string',
      {
        promotion: paths({ 'Chart.yaml': ['$.appVersion', '$.version'], 'values.yaml': ['$.image.tag'] }),
        source: files({ 'Chart.yaml': chartDev, 'values.yaml': valuesDev }),
        target: files({ 'Chart.yaml': chartQa, 'values.yaml': valuesQa }),
      },
      {
        files: [
          change(
            'Chart.yaml',
            'yaml',
            [
              { path: '$.version', old: '0.1.0', new: '0.2.0' },
              { path: '$.appVersion', old: 1.9, new: '1.10' },
            ],
            chartQa,
            lines('apiVersion: v2', 'name: app', 'version: 0.2.0 # chart', 'appVersion: "1.10"'),
          ),
          change('values.yaml', 'yaml', [{ path: '$.image.tag', old: 'v1', new: 'v2' }], valuesQa, valuesQa.replace('tag: v1 #', 'tag: v2 #')),
        ],
        problems: [],
      },
    ],
    [
      'recursive descent, and a path below another selected one is written once',
      {
        promotion: paths({ 'values.yaml': ['$..image.tag', '$.sidecar.image', '$.resources'] }),
        source: files({ 'values.yaml': valuesDev }),
        target: files({ 'values.yaml': valuesQa }),
      },
      {
        files: [
          change(
            'values.yaml',
            'yaml',
            [
              { path: '$.image.tag', old: 'v1', new: 'v2' },
              { path: '$.sidecar.image', old: { repository: 'envoy', tag: 'v1.29' }, new: { repository: 'envoy', tag: 'v1.30' } },
              { path: '$.resources', old: { limits: { cpu: '200m', memory: '1Gi' } }, new: { limits: { cpu: '500m' } } },
            ],
            valuesQa,
            lines(
              '# qa values',
              'image:',
              '  repository: registry/app',
              '  tag: v2 # bumped by promotion',
              'sidecar:',
              '  image: {repository: envoy, tag: v1.30}',
              'resources:',
              '  limits: {cpu: 500m}',
              'ingress: {host: qa.example}',
            ),
          ),
        ],
        problems: [],
      },
    ],
    [
      'the target already holds the values: no change',
      {
        promotion: paths({ 'values.yaml': ['$.image.repository'] }),
        source: files({ 'values.yaml': valuesDev }),
        target: files({ 'values.yaml': valuesQa }),
      },
      { files: [], problems: [] },
    ],
    [
      'a new parent path is created in the target',
      {
        promotion: paths({ 'values.yaml': ['$.podAnnotations'] }),
        source: files({ 'values.yaml': lines('podAnnotations:', '  team: payments') }),
        target: files({ 'values.yaml': lines('image: {tag: v1}') }),
      },
      {
        files: [
          change(
            'values.yaml',
            'yaml',
            [{ path: '$.podAnnotations', old: undefined, new: { team: 'payments' } }],
            lines('image: {tag: v1}'),
            lines('image: {tag: v1}', 'podAnnotations:', '  team: payments'),
          ),
        ],
        problems: [],
      },
    ],
    [
      'a JSONPath that selects nothing is a warning; the others still apply',
      {
        promotion: paths({ 'values.yaml': ['$.nothing.here', '$.image.tag'] }),
        source: files({ 'values.yaml': valuesDev }),
        target: files({ 'values.yaml': valuesQa }),
        sourceRoot: 'envs/dev',
      },
      {
        files: [change('values.yaml', 'yaml', [{ path: '$.image.tag', old: 'v1', new: 'v2' }], valuesQa, valuesQa.replace('tag: v1 #', 'tag: v2 #'))],
        problems: [
          warning('path-not-found', 'values.yaml', 'values.yaml: JSONPath "$.nothing.here" selects nothing in the source folder "envs/dev"; nothing is promoted for it'),
        ],
      },
    ],
    [
      'JSON files by JSONPath, with the file indentation',
      {
        promotion: paths({ 'config/app.json': ["$['feature-flags'].beta", '$.version'] }),
        source: files({ 'config/app.json': '{\n    "version": "2.0",\n    "feature-flags": {"beta": true}\n}\n' }),
        target: files({ 'config/app.json': '{\n    "version": "1.0"\n}\n' }),
      },
      {
        files: [
          change(
            'config/app.json',
            'json',
            [
              { path: '$.version', old: '1.0', new: '2.0' },
              { path: "$['feature-flags'].beta", old: undefined, new: true },
            ],
            '{\n    "version": "1.0"\n}\n',
            '{\n    "version": "2.0",\n    "feature-flags": {\n        "beta": true\n    }\n}\n',
          ),
        ],
        problems: [],
      },
    ],
    [
      'jsonPaths: [] copies the whole file, of any type',
      {
        promotion: { 'README.md': { jsonPaths: [] }, 'values.yaml': { jsonPaths: [] } },
        source: files({ 'README.md': '# v2\n', 'values.yaml': valuesDev }),
        target: files({ 'README.md': '# v1\n', 'values.yaml': valuesDev }),
      },
      { files: [change('README.md', 'whole-file', [], '# v1\n', '# v2\n')], problems: [] },
    ],
    [
      'multi-document YAML: documents are paired by position',
      {
        promotion: paths({ 'app.yaml': ['$.spec.template.spec.containers[0].image', '$.metadata.labels.version'] }),
        source: files({
          'app.yaml': lines('kind: Deployment', 'spec: {template: {spec: {containers: [{name: app, image: app:v2}]}}}', '---', 'kind: Service', 'metadata: {labels: {version: v2}}'),
        }),
        target: files({
          'app.yaml': lines('kind: Deployment', 'spec: {template: {spec: {containers: [{name: app, image: app:v1}]}}}', '---', 'kind: Service', 'metadata: {labels: {version: v1}}', '---'),
        }),
      },
      {
        files: [
          change(
            'app.yaml',
            'yaml',
            [
              { path: '$.spec.template.spec.containers[0].image', document: 1, old: 'app:v1', new: 'app:v2' },
              { path: '$.metadata.labels.version', document: 2, old: 'v1', new: 'v2' },
            ],
            lines('kind: Deployment', 'spec: {template: {spec: {containers: [{name: app, image: app:v1}]}}}', '---', 'kind: Service', 'metadata: {labels: {version: v1}}', '---'),
            lines('kind: Deployment', 'spec: {template: {spec: {containers: [{name: app, image: app:v2}]}}}', '---', 'kind: Service', 'metadata: {labels: {version: v2}}', '---'),
          ),
        ],
        problems: [],
      },
    ],
    [
      'multi-document YAML with different document counts',
      {
        promotion: paths({ 'app.yaml': ['$.kind'] }),
        source: files({ 'app.yaml': lines('kind: A', '---', 'kind: B') }),
        target: files({ 'app.yaml': lines('kind: A') }),
        targetRoot: 'envs/qa',
      },
      {
        files: [],
        problems: [
          error(
            'document-mismatch',
            'app.yaml',
            'app.yaml: the source application has 2 YAML documents and the target folder "envs/qa" 1; documents are promoted by position, so both need the same number',
          ),
        ],
      },
    ],
    [
      'files missing on either side',
      {
        promotion: paths({ 'a.yaml': ['$.x'], 'b.yaml': ['$.x'] }),
        source: files({ 'b.yaml': 'x: 1\n' }),
        target: files({ 'a.yaml': 'x: 1\n' }),
        sourceRoot: 'envs/dev',
        targetRoot: '',
      },
      {
        files: [],
        problems: [
          error('file-not-found', 'a.yaml', 'a.yaml: not found in the source folder "envs/dev"'),
          error('file-not-found', 'b.yaml', 'b.yaml: not found in the target folder "."; a promotion never adds files'),
        ],
      },
    ],
    [
      'other files cannot take JSONPaths',
      {
        promotion: paths({ 'app.toml': ['$.version'] }),
        source: files({ 'app.toml': 'version = "2"\n' }),
        target: files({ 'app.toml': 'version = "1"\n' }),
      },
      {
        files: [],
        problems: [
          error(
            'not-structured',
            'app.toml',
            'app.toml: only YAML (.yaml, .yml) and JSON (.json) files can be promoted by JSONPath; list it with "jsonPaths: []" to copy the whole file',
          ),
        ],
      },
    ],
    [
      'paths leaving the folder are refused',
      {
        promotion: { '../other/values.yaml': { jsonPaths: [] }, '/etc/passwd': { jsonPaths: [] }, 'a\\b.yaml': { jsonPaths: [] } },
        source: files({ '../other/values.yaml': 'x', '/etc/passwd': 'x', 'a\\b.yaml': 'x' }),
        target: files({ '../other/values.yaml': 'y', '/etc/passwd': 'y', 'a\\b.yaml': 'y' }),
      },
      {
        files: [],
        problems: ['../other/values.yaml', '/etc/passwd', 'a\\b.yaml'].map((p) =>
          error('path-escape', p, `${JSON.stringify(p)} leaves the application folder: a promoted file must be a relative path with no ".." segment, no leading "/" and no "\\"`),
        ),
      },
    ],
    [
      'invalid JSONPaths and unparseable files',
      {
        promotion: paths({ 'a.yaml': ['$.ok', '$.argo-cd'], 'b.yaml': ['$.x'], 'c.json': ['$.x'] }),
        source: files({ 'a.yaml': 'ok: 1\n', 'b.yaml': 'x: [1\n', 'c.json': '{"x": 1}' }),
        target: files({ 'a.yaml': 'ok: 2\n', 'b.yaml': 'x: 1\n', 'c.json': '{"x": }' }),
      },
      {
        files: [],
        problems: [
          error(
            'json-path',
            'a.yaml',
            `a.yaml: JSONPath "$.argo-cd" is not valid: unexpected "-" at character 7: expected "." or "["; a key with characters other than letters, digits and "_" goes in brackets: ['argo-cd']`,
          ),
          error('parse-error', 'b.yaml', 'b.yaml: the file in the source application is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1'),
          error('parse-error', 'c.json', 'c.json: the file in the target application is not valid JSON: value expected at line 1, column 7'),
        ],
      },
    ],
    [
      'a write the target refuses',
      {
        promotion: paths({ 'values.yaml': ['$.image.tag'] }),
        source: files({ 'values.yaml': 'image: {tag: v2}\n' }),
        target: files({ 'values.yaml': 'image: registry/app:v1\n' }),
      },
      {
        files: [],
        problems: [error('cannot-edit', 'values.yaml', 'values.yaml: cannot create $.image.tag: $.image is the scalar "registry/app:v1" in the target')],
      },
    ],
    [
      'copy-all: files in both folders that differ, sorted; files on one side only are left alone',
      {
        source: files({ 'values.yaml': valuesDev, 'Chart.yaml': chartDev, 'same.txt': 'x', 'new.yaml': 'a: 1\n' }),
        target: files({ 'values.yaml': valuesQa, 'Chart.yaml': chartQa, 'same.txt': 'x', 'old.yaml': 'a: 1\n' }),
      },
      {
        files: [change('Chart.yaml', 'whole-file', [], chartQa, chartDev), change('values.yaml', 'whole-file', [], valuesQa, valuesDev)],
        problems: [],
      },
    ],
    [
      'copy-all with an empty promotion, refusing paths that leave the folder',
      { promotion: {}, source: files({ '../x': 'a', 'ok.txt': 'b' }), target: files({ '../x': 'c', 'ok.txt': 'b' }) },
      {
        files: [],
        problems: [error('path-escape', '../x', '"../x" leaves the application folder: a promoted file must be a relative path with no ".." segment, no leading "/" and no "\\"')],
      },
    ],
    [
      '$ promotes a whole YAML document, keeping the target comments where values are equal',
      {
        promotion: paths({ 'values.yaml': ['$'] }),
        source: files({ 'values.yaml': lines('a: 1', 'b: {c: 2}') }),
        target: files({ 'values.yaml': lines('# head', 'a: 1 # same', 'b: {c: 3} # differs', 'old: x') }),
      },
      {
        files: [
          change(
            'values.yaml',
            'yaml',
            [{ path: '$', old: { a: 1, b: { c: 3 }, old: 'x' }, new: { a: 1, b: { c: 2 } } }],
            lines('# head', 'a: 1 # same', 'b: {c: 3} # differs', 'old: x'),
            lines('# head', 'a: 1 # same', 'b: {c: 2} # differs'),
          ),
        ],
        problems: [],
      },
    ],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.deepEqual(planChangeSet(input), expected));
  }

  it('gives a unified diff starting at the file names', () => {
    const { files: changed } = planChangeSet({
      promotion: paths({ 'values.yaml': ['$.image.tag'] }),
      source: files({ 'values.yaml': valuesDev }),
      target: files({ 'values.yaml': valuesQa }),
    });
    assert.equal(
      changed[0]?.diff,
      [
        '--- a/values.yaml',
        '+++ b/values.yaml',
        '@@ -1,7 +1,7 @@',
        ' # qa values',
        ' image:',
        '   repository: registry/app',
        '-  tag: v1 # bumped by promotion',
        '+  tag: v2 # bumped by promotion',
        ' sidecar:',
        '   image: {repository: envoy, tag: v1.29}',
        ' resources:',
        '',
      ].join('\n'),
    );
  });
});

describe('isSafeRelativePath', () => {
  const cases: [string, boolean][] = [
    ['values.yaml', true],
    ['config/app.json', true],
    ['a..b/c', true],
    ['./values.yaml', true],
    ['', false],
    ['/abs', false],
    ['../up', false],
    ['a/../../up', false],
    ['a\\b', false],
    ['C:/x', false],
    ['a\0b', false],
  ];
  for (const [path, expected] of cases) it(`${JSON.stringify(path)} → ${expected}`, () => assert.equal(isSafeRelativePath(path), expected));
});
