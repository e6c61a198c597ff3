import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { error, type Problem, type ProblemLocation } from '../problems.ts';
import { decodeResource, loadResources, type LoadResult } from './decode.ts';
import type { Environment } from './schemas.ts';

const KNOWN = 'Environment, WorkflowTemplate, PromotionTemplate, PromotionFlow, PromotionPolicy, Product, Application';
const DNS = 'must be a DNS-1123 label: at most 63 lower-case letters, digits or "-", starting and ending with a letter or digit';

/** One Environment document as YAML text; `metadata` and `spec` are flow-style YAML. */
const envDoc = (metadata = '{name: qa}', spec = '{kind: production}') => `apiVersion: stagecoach.dev/v1alpha1\nkind: Environment\nmetadata: ${metadata}\nspec: ${spec}\n`;
const environment = (name: string, kind: 'production' | 'non-production' = 'production'): Environment => ({
  apiVersion: 'stagecoach.dev/v1alpha1',
  kind: 'Environment',
  metadata: { name },
  spec: { kind },
});
const loaded = (name: string, document: number, file = 'f.yaml'): LoadResult['resources'][number] => ({ resource: environment(name), file, document });
const inDoc = (document: number, more: ProblemLocation = {}): ProblemLocation => ({ file: 'f.yaml', document, ...more });
const envAt = (document: number, name?: string): ProblemLocation => inDoc(document, { kind: 'Environment', ...(name ? { name } : {}) });

describe('loadResources', () => {
  const cases: [string, string, LoadResult][] = [
    ['an empty text', '', { resources: [], problems: [] }],
    ['only separators and comments', '---\n# nothing here\n---\n---\n', { resources: [], problems: [] }],
    ['an explicit null document is skipped', '~\n', { resources: [], problems: [] }],
    ['one resource', envDoc(), { resources: [loaded('qa', 1)], problems: [] }],
    [
      'several documents; empty ones are skipped but still counted',
      `${envDoc('{name: dev}')}---\n---\n# comment only\n---\n${envDoc('{name: qa}')}`,
      { resources: [loaded('dev', 1), loaded('qa', 4)], problems: [] },
    ],
    [
      'problems carry the number of their document; good documents still load',
      `${envDoc('{name: dev}')}---\n${envDoc('{name: Bad}')}---\n${envDoc('{name: qa}', '{kind: prod}')}---\n${envDoc('{name: staging}')}`,
      {
        resources: [loaded('dev', 1), loaded('staging', 4)],
        problems: [
          error('dns-1123-label', 'metadata.name', DNS, envAt(2, 'Bad')),
          error('one-of', 'spec.kind', 'must be one of "non-production", "production", got string "prod"', envAt(3, 'qa')),
        ],
      },
    ],
    [
      'malformed YAML names line and column',
      'kind: Environment\nmetadata: {name: qa}\nspec: {kind: production\n',
      {
        resources: [],
        problems: [error('yaml-syntax', '', 'line 4, column 1: Flow map in block collection must be sufficiently indented and end with a }', inDoc(1))],
      },
    ],
    [
      'every YAML error of a document is listed',
      'kind: Environment\nmetadata:\n  name: qa\n   bad: 1\n',
      {
        resources: [],
        problems: [
          error('yaml-syntax', '', 'line 3, column 9: Nested mappings are not allowed in compact mappings', inDoc(1)),
          error('yaml-syntax', '', 'line 3, column 9: Implicit keys need to be on a single line', inDoc(1)),
        ],
      },
    ],
    [
      'an unterminated quote',
      `${envDoc()}---\nname: "qa\n`,
      { resources: [loaded('qa', 1)], problems: [error('yaml-syntax', '', 'line 7, column 1: Missing closing "quote', inDoc(2))] },
    ],
    ['a tab as indentation', '\tkind: x\n', { resources: [], problems: [error('yaml-syntax', '', 'line 1, column 1: Tabs are not allowed as indentation', inDoc(1))] }],
    ['a repeated key', 'kind: a\nkind: b\n', { resources: [], problems: [error('yaml-syntax', '', 'line 2, column 1: Map keys must be unique', inDoc(1))] }],
    [
      'an alias expanding too often is refused, not thrown',
      'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
      { resources: [], problems: [error('yaml-alias', '', 'Excessive alias count indicates a resource exhaustion attack', inDoc(1))] },
    ],
    [
      'an alias before its anchor is refused, not thrown',
      'a: *x\nb: &x 1\n',
      { resources: [], problems: [error('yaml-alias', '', 'Unresolved alias (the anchor must be set before the alias): x', inDoc(1))] },
    ],
    [
      'a document that is not a map',
      'hello\n',
      { resources: [], problems: [error('type', '', 'a resource must be a map with apiVersion, kind, metadata and spec, got string "hello"', inDoc(1))] },
    ],
    [
      'unknown kind: one problem, with the name',
      'apiVersion: stagecoach.dev/v1alpha1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n',
      { resources: [], problems: [error('unknown-kind', 'kind', `unknown kind "Widget"; expected one of ${KNOWN}`, inDoc(1, { name: 'w' }))] },
    ],
    [
      'kind is case-sensitive',
      'apiVersion: stagecoach.dev/v1alpha1\nkind: environment\nmetadata: {name: qa}\nspec: {kind: production}\n',
      { resources: [], problems: [error('unknown-kind', 'kind', `unknown kind "environment"; expected one of ${KNOWN}`, inDoc(1, { name: 'qa' }))] },
    ],
    [
      'missing kind',
      'apiVersion: stagecoach.dev/v1alpha1\nmetadata: {name: w}\nspec: {}\n',
      { resources: [], problems: [error('required', 'kind', `kind is required; one of ${KNOWN}`, inDoc(1, { name: 'w' }))] },
    ],
    [
      'wrong apiVersion',
      envDoc().replace('stagecoach.dev/v1alpha1', 'stagecoach.dev/v1'),
      { resources: [], problems: [error('api-version', 'apiVersion', 'Environment needs apiVersion "stagecoach.dev/v1alpha1", got string "stagecoach.dev/v1"', envAt(1, 'qa'))] },
    ],
    [
      "another kind's apiVersion",
      envDoc().replace('stagecoach.dev/v1alpha1', 'argoproj.io/v1alpha1'),
      { resources: [], problems: [error('api-version', 'apiVersion', 'Environment needs apiVersion "stagecoach.dev/v1alpha1", got string "argoproj.io/v1alpha1"', envAt(1, 'qa'))] },
    ],
    [
      'missing apiVersion',
      'kind: Environment\nmetadata: {name: qa}\nspec: {kind: production}\n',
      { resources: [], problems: [error('api-version', 'apiVersion', 'Environment needs apiVersion "stagecoach.dev/v1alpha1", got nothing', envAt(1, 'qa'))] },
    ],
    ['a name in upper case', envDoc('{name: QA}'), { resources: [], problems: [error('dns-1123-label', 'metadata.name', DNS, envAt(1, 'QA'))] }],
    ['a name with "_"', envDoc('{name: q_a}'), { resources: [], problems: [error('dns-1123-label', 'metadata.name', DNS, envAt(1, 'q_a'))] }],
    ['a name like a path', envDoc('{name: ../etc}'), { resources: [], problems: [error('dns-1123-label', 'metadata.name', DNS, envAt(1, '../etc'))] }],
    ['a name with "/"', envDoc('{name: a/b}'), { resources: [], problems: [error('dns-1123-label', 'metadata.name', DNS, envAt(1, 'a/b'))] }],
    ['a name starting with "-"', envDoc('{name: -qa}'), { resources: [], problems: [error('dns-1123-label', 'metadata.name', DNS, envAt(1, '-qa'))] }],
    ['a name ending with "-"', envDoc('{name: qa-}'), { resources: [], problems: [error('dns-1123-label', 'metadata.name', DNS, envAt(1, 'qa-'))] }],
    ['an empty name', envDoc('{name: ""}'), { resources: [], problems: [error('dns-1123-label', 'metadata.name', DNS, envAt(1))] }],
    ['a name of 64 characters', envDoc(`{name: ${'a'.repeat(64)}}`), { resources: [], problems: [error('dns-1123-label', 'metadata.name', DNS, envAt(1, 'a'.repeat(64)))] }],
    ['a name of 63 characters is fine', envDoc(`{name: ${'a'.repeat(63)}}`), { resources: [loaded('a'.repeat(63), 1)], problems: [] }],
    ['a name that is a number', envDoc('{name: 5}'), { resources: [], problems: [error('type', 'metadata.name', 'must be a string, got number 5', envAt(1))] }],
    [
      'unknown fields at the top, in metadata and in spec',
      `${envDoc('{name: qa, uid: "1"}', '{kind: production, colour: red}')}status: {}\n`,
      {
        resources: [],
        problems: [
          error('unknown-field', 'metadata.uid', 'unknown field "uid"', envAt(1, 'qa')),
          error('unknown-field', 'spec.colour', 'unknown field "colour"', envAt(1, 'qa')),
          error('unknown-field', 'status', 'unknown field "status"', envAt(1, 'qa')),
        ],
      },
    ],
    [
      'wrong types',
      envDoc('{name: qa}', '{kind: production, order: first, argocd: [x]}'),
      {
        resources: [],
        problems: [
          error('type', 'spec.order', 'must be a number, got string "first"', envAt(1, 'qa')),
          error('type', 'spec.argocd', 'must be a map, got a list', envAt(1, 'qa')),
        ],
      },
    ],
    [
      'missing metadata and spec',
      'apiVersion: stagecoach.dev/v1alpha1\nkind: Environment\n',
      {
        resources: [],
        problems: [error('required', 'metadata', 'is required', envAt(1)), error('required', 'spec', 'is required', envAt(1))],
      },
    ],
    [
      'one document with three errors gives three problems',
      'apiVersion: stagecoach.dev/v1alpha1\nkind: PromotionFlow\nmetadata: {name: f, annotations: {version: 1.0}}\nspec: {triggerEnvironment: dev, timeout: 1d, steps: [{environment: qa, dependsOn: qa}]}\n',
      {
        resources: [],
        problems: [
          error('type', 'metadata.annotations.version', 'must be a string, got number 1', inDoc(1, { kind: 'PromotionFlow', name: 'f' })),
          error('duration', 'spec.timeout', 'must be a positive duration such as "24h", "30m" or "1h30m" (units h, m, s, ms)', inDoc(1, { kind: 'PromotionFlow', name: 'f' })),
          error('type', 'spec.steps[0].dependsOn', 'must be a list, got string "qa"', inDoc(1, { kind: 'PromotionFlow', name: 'f' })),
        ],
      },
    ],
    [
      'rules of other fields: sizes, integers, enums, paths, refs, label keys',
      [
        'apiVersion: stagecoach.dev/v1alpha1\nkind: Application\nmetadata: {name: a, labels: {"Bad Key!": x, ok: ' + 'v'.repeat(64) + '}}',
        'spec: {product: p, environment: e, source: {repoURL: "", path: /abs, targetRevision: "-x"}}',
        '---',
        'apiVersion: stagecoach.dev/v1alpha1\nkind: PromotionPolicy\nmetadata: {name: p}\nspec: {priority: 1.5, policy: {action: merge}}',
        '---',
        'apiVersion: stagecoach.dev/v1alpha1\nkind: Product\nmetadata: {name: p}\nspec: {promotionTemplate: {}, promotionTemplateRef: x, concurrency: {queueLimit: 0}}',
        '---',
        'apiVersion: stagecoach.dev/v1alpha1\nkind: PromotionFlow\nmetadata: {name: f}\nspec: {triggerEnvironment: dev, steps: []}',
        '---',
        'apiVersion: stagecoach.dev/v1alpha1\nkind: PromotionTemplate\nmetadata: {name: t}\nspec: {promotion: {../x.yaml: {jsonPaths: [$.a]}, b.yaml: {jsonPaths: [a]}}}',
        '---',
        'apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: w}\nspec: {entrypoint: main, templates: [{name: other}]}',
      ].join('\n'),
      {
        resources: [],
        problems: [
          error('label-key', 'metadata.labels["Bad Key!"]', 'must be a label key: an optional DNS prefix and "/", then letters, digits, "-", "_" or ".", at most 63 characters', inDoc(1, { kind: 'Application', name: 'a' })),
          error('max', 'metadata.labels.ok', 'label values are at most 63 characters', inDoc(1, { kind: 'Application', name: 'a' })),
          error('min', 'spec.source.repoURL', 'must not be empty', inDoc(1, { kind: 'Application', name: 'a' })),
          error('git-ref', 'spec.source.targetRevision', 'must be a branch, tag or commit and must not start with "-" or contain spaces, "..", "~", "^", ":" or "\\"', inDoc(1, { kind: 'Application', name: 'a' })),
          error('relative-path', 'spec.source.path', 'must be a folder relative to the repository root: no leading "/", no ".." segment, no "\\"', inDoc(1, { kind: 'Application', name: 'a' })),
          error('type', 'spec.priority', 'must be an integer, got number 1.5', inDoc(2, { kind: 'PromotionPolicy', name: 'p' })),
          error('one-of', 'spec.policy.action', 'must be one of "commit", "pr", "none", got string "merge"', inDoc(2, { kind: 'PromotionPolicy', name: 'p' })),
          error('min', 'spec.concurrency.queueLimit', 'must be at least 1', inDoc(3, { kind: 'Product', name: 'p' })),
          error('one-of', 'spec', 'set promotionTemplate or promotionTemplateRef, not both', inDoc(3, { kind: 'Product', name: 'p' })),
          error('min', 'spec.steps', 'a flow needs at least one target step', inDoc(4, { kind: 'PromotionFlow', name: 'f' })),
          error('relative-path', 'spec.promotion["../x.yaml"]', 'must be a relative path inside the folder: no leading "/", no ".." segment, no "\\"', inDoc(5, { kind: 'PromotionTemplate', name: 't' })),
          error('json-path', 'spec.promotion["b.yaml"].jsonPaths[0]', 'is not a JSONPath of the supported subset: unexpected "a" at character 1: expected "$" at the start', inDoc(5, { kind: 'PromotionTemplate', name: 't' })),
          error('unknown-reference', 'spec.entrypoint', 'entrypoint must name one of spec.templates', inDoc(6, { kind: 'WorkflowTemplate', name: 'w' })),
        ],
      },
    ],
    [
      'a product with both template fields',
      'apiVersion: stagecoach.dev/v1alpha1\nkind: Product\nmetadata: {name: p}\nspec: {promotionTemplate: {}, promotionTemplateRef: x}\n',
      { resources: [], problems: [error('one-of', 'spec', 'set promotionTemplate or promotionTemplateRef, not both', inDoc(1, { kind: 'Product', name: 'p' }))] },
    ],
    [
      'a {kind: List, items} document holds many resources; paths start at the item',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [environment('qa'), { kind: 'Environment', metadata: { name: 'x' } }, environment('Bad')],
      }),
      {
        resources: [loaded('qa', 1)],
        problems: [
          error('api-version', 'items[1].apiVersion', 'Environment needs apiVersion "stagecoach.dev/v1alpha1", got nothing', envAt(1, 'x')),
          error('dns-1123-label', 'items[2].metadata.name', DNS, envAt(1, 'Bad')),
        ],
      },
    ],
    [
      'an items list without a kind, and a *List kind',
      `items:\n  - ${JSON.stringify(environment('qa'))}\n---\nkind: EnvironmentList\nitems: [${JSON.stringify(environment('dev'))}]\n`,
      { resources: [loaded('qa', 1), loaded('dev', 2)], problems: [] },
    ],
    ['an empty list', 'kind: List\nitems: []\n', { resources: [], problems: [] }],
    [
      'a JSON array; paths start at the index',
      JSON.stringify([environment('dev'), 'oops', { ...environment('qa'), spec: {} }]),
      {
        resources: [loaded('dev', 1)],
        problems: [
          error('type', '[1]', 'a resource must be a map with apiVersion, kind, metadata and spec, got string "oops"', inDoc(1)),
          error('required', '[2].spec.kind', 'is required', envAt(1, 'qa')),
        ],
      },
    ],
    ['a JSON object', JSON.stringify(environment('qa')), { resources: [loaded('qa', 1)], problems: [] }],
    [
      'a map with items that is not a list kind is one resource',
      'apiVersion: stagecoach.dev/v1alpha1\nkind: Environment\nitems: []\nmetadata: {name: qa}\nspec: {kind: production}\n',
      { resources: [], problems: [error('unknown-field', 'items', 'unknown field "items"', envAt(1, 'qa'))] },
    ],
  ];

  for (const [title, text, expected] of cases) {
    it(title, () => assert.deepEqual(loadResources(text, 'f.yaml'), expected));
  }

  it('leaves file out when none is given', () => {
    assert.deepEqual(loadResources(`${envDoc()}---\n${envDoc('{name: QA}')}`), {
      resources: [{ resource: environment('qa'), document: 1 }],
      problems: [error('dns-1123-label', 'metadata.name', DNS, { document: 2, kind: 'Environment', name: 'QA' })],
    });
  });

  it('keeps server-set metadata so `get -o yaml` output applies again', () => {
    const text = envDoc('{name: qa, resourceVersion: "7", creationTimestamp: "2025-01-01T00:00:00Z", labels: {team: a}, annotations: {note: b}}');
    assert.deepEqual(loadResources(text).resources, [
      {
        resource: {
          ...environment('qa'),
          metadata: { name: 'qa', resourceVersion: '7', creationTimestamp: '2025-01-01T00:00:00Z', labels: { team: 'a' }, annotations: { note: 'b' } },
        },
        document: 1,
      },
    ]);
  });
});

describe('decodeResource', () => {
  const cases: [string, unknown, Problem[]][] = [
    ['null', null, [error('type', '', 'a resource must be a map with apiVersion, kind, metadata and spec, got null')]],
    ['a list', [], [error('type', '', 'a resource must be a map with apiVersion, kind, metadata and spec, got a list')]],
    ['a number', 3, [error('type', '', 'a resource must be a map with apiVersion, kind, metadata and spec, got number 3')]],
    ['a missing enum field is required, not a wrong value', { apiVersion: 'stagecoach.dev/v1alpha1', kind: 'Environment', metadata: { name: 'qa' }, spec: {} }, [error('required', 'spec.kind', 'is required', { kind: 'Environment', name: 'qa' })]],
    ['a kind that is not a string', { kind: 7 }, [error('unknown-kind', 'kind', `unknown kind 7; expected one of ${KNOWN}`)]],
  ];
  for (const [title, value, problems] of cases) {
    it(title, () => assert.deepEqual(decodeResource(value), { problems }));
  }

  it('decodes a valid resource and merges the location it is given', () => {
    assert.deepEqual(decodeResource(environment('qa'), { file: 'x.json' }), { resource: environment('qa'), problems: [] });
    assert.deepEqual(decodeResource({ ...environment('qa'), spec: {} }, { file: 'x.json', document: 3 }), {
      problems: [error('required', 'spec.kind', 'is required', { file: 'x.json', document: 3, kind: 'Environment', name: 'qa' })],
    });
  });
});
