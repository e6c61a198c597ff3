// A promotion into a real-looking Helm values file (fixtures/helm-values.yaml: comments, anchors
// and aliases, merge keys, block scalars, long lines, flow maps, lists indented and not, 4- and
// 6-space blocks) must change the edited lines and nothing else, byte for byte.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { structuredPatch } from 'diff';
import { parse } from 'yaml';
import type { PromotionFiles } from '../resources/schemas.ts';
import { planChangeSet } from './plan.ts';

const fixture = readFileSync(new URL('./fixtures/helm-values.yaml', import.meta.url), 'utf8');

/** Replaces the one occurrence of `from` (it must occur exactly `count` times) by `to`. */
function replaceExactly(text: string, from: string, to: string, count = 1): string {
  assert.equal(text.split(from).length - 1, count, `${JSON.stringify(from)} should occur ${count} times`);
  return text.replaceAll(from, to);
}

// The source environment: the same file with newer values.
let source = fixture;
source = replaceExactly(source, 'tag: v1.4.2', 'tag: v1.5.0', 4);
source = replaceExactly(source, 'tag: v1.29.1', 'tag: v1.29.2');
source = replaceExactly(source, 'tag: "2.2.0"', 'tag: "2.2.1"');
source = replaceExactly(source, '  version: 1.9\n', '  version: "1.10"\n');
source = replaceExactly(source, '    tier: "backend"\n', '    tier: backend-v2\n');
source = replaceExactly(source, '"--log-level", "warn"]', '"--log-level", "debug"]');
source = replaceExactly(source, 'maximum-pool-size: 20', 'maximum-pool-size: 30');
source = replaceExactly(
  source,
  'resources:\n  limits:\n    cpu: 500m       # raised after the March incident\n    memory: 512Mi\n  requests:\n    cpu: 500m\n    memory: 512Mi\n',
  'resources:\n  limits: {cpu: 1000m, memory: 1Gi}\n  requests:\n    memory: 1Gi\n',
);
source = replaceExactly(source, '  annotations:\n    service.beta', '  sessionAffinity: ClientIP\n  annotations:\n    service.beta');
source += 'metrics: {serviceMonitor: {enabled: true, interval: 30s}}\n';

const promotion: PromotionFiles = {
  'values.yaml': {
    jsonPaths: [
      '$.image.tag',
      '$..image.tag',
      '$.resources',
      '$.service.sessionAffinity',
      '$.metrics.serviceMonitor.interval',
      '$.global.version',
      '$.global.labels.tier',
      '$.sidecars.envoy.args',
      "$.configMap.data['application.yaml']",
      '$.replicaCount',
    ],
  },
};

/**
 * One change to the target's lines, found by exact content from where the previous one was
 * found: `replace` takes the place of the line (`[]` deletes it); `insertAfter` adds lines after it.
 */
type LineChange = { at: string; replace: string[] } | { at: string; insertAfter: string[] };

const changes: LineChange[] = [
  { at: '  version: 1.9', replace: ['  version: "1.10"'] },
  { at: '    tier: "backend"', replace: ['    tier: "backend-v2"'] },
  { at: '  tag: v1.4.2 # pinned by CI', replace: ['  tag: v1.5.0 # pinned by CI'] },
  { at: '    service.beta.kubernetes.io/aws-load-balancer-internal: "true"', insertAfter: ['  sessionAffinity: ClientIP'] },
  { at: '    cpu: 500m       # raised after the March incident', replace: ['    cpu: 1000m       # raised after the March incident'] },
  { at: '    memory: 512Mi', replace: ['    memory: 1Gi'] },
  { at: '    cpu: 500m', replace: [] },
  { at: '    memory: 512Mi', replace: ['    memory: 1Gi'] },
  { at: '      tag: v1.29.1   # envoy LTS', replace: ['      tag: v1.29.2   # envoy LTS'] },
  {
    at: '    args: ["--config-path", "/etc/envoy/envoy.yaml", "--log-level", "warn"]',
    replace: ['    args: ["--config-path", "/etc/envoy/envoy.yaml", "--log-level", "debug"]'],
  },
  { at: '      image: {repository: fluent/fluent-bit, tag: "2.2.0"}', replace: ['      image: {repository: fluent/fluent-bit, tag: "2.2.1"}'] },
  { at: '    tag: v1.4.2', replace: ['    tag: v1.5.0'] },
  { at: '            maximum-pool-size: 20', replace: ['            maximum-pool-size: 30'] },
  { at: '      tag: v1.4.2', replace: ['      tag: v1.5.0'] },
  { at: '      tag: v1.4.2', replace: ['      tag: v1.5.0'] },
  { at: 'metricsPort: 9102', insertAfter: ['metrics:', '  serviceMonitor:', '    interval: 30s'] },
];

/** The expected text, and the 0-based numbers of the target's lines that must change. */
function expected(text: string): { after: string; changed: Set<number> } {
  const before = text.split('\n');
  const out: string[] = [];
  const changed = new Set<number>();
  let next = 0;
  for (const change of changes) {
    const index = before.indexOf(change.at, next);
    assert.ok(index >= 0, `the fixture has ${JSON.stringify(change.at)} after line ${next + 1}`);
    out.push(...before.slice(next, index));
    if ('replace' in change) {
      out.push(...change.replace);
      changed.add(index);
    } else {
      out.push(before[index]!, ...change.insertAfter);
    }
    next = index + 1;
  }
  out.push(...before.slice(next));
  return { after: out.join('\n'), changed };
}

describe('promotion into a Helm values file', () => {
  const plan = planChangeSet({ promotion, source: new Map([['values.yaml', source]]), target: new Map([['values.yaml', fixture]]) });
  const file = plan.files[0];

  it('the fixture is a long, valid values file', () => {
    assert.ok(fixture.split('\n').length > 270);
    assert.doesNotThrow(() => parse(fixture));
    assert.ok(fixture.split('\n').some((line) => line.length > 120));
  });

  it('plans one file without problems, listing each property once', () => {
    assert.deepEqual(plan.problems, []);
    assert.equal(plan.files.length, 1);
    assert.deepEqual(
      file?.edits.map((e) => [e.path, e.old, e.new]),
      [
        ['$.global.version', 1.9, '1.10'],
        ['$.global.labels.tier', 'backend', 'backend-v2'],
        ['$.image.tag', 'v1.4.2', 'v1.5.0'],
        ['$.service.sessionAffinity', undefined, 'ClientIP'],
        ['$.resources', { limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '500m', memory: '512Mi' } }, { limits: { cpu: '1000m', memory: '1Gi' }, requests: { memory: '1Gi' } }],
        ['$.sidecars.envoy.image.tag', 'v1.29.1', 'v1.29.2'],
        ['$.sidecars.envoy.args', ['--config-path', '/etc/envoy/envoy.yaml', '--log-level', 'warn'], ['--config-path', '/etc/envoy/envoy.yaml', '--log-level', 'debug']],
        ['$.sidecars.logShipper.image.tag', '2.2.0', '2.2.1'],
        ['$.initContainers[0].image.tag', 'v1.4.2', 'v1.5.0'],
        ["$.configMap.data['application.yaml']", parse(fixture).configMap.data['application.yaml'], parse(source).configMap.data['application.yaml']],
        ['$.jobs.reconcile.image.tag', 'v1.4.2', 'v1.5.0'],
        ["$.jobs['settlement-report'].image.tag", 'v1.4.2', 'v1.5.0'],
        ['$.metrics.serviceMonitor.interval', undefined, '30s'],
      ],
    );
  });

  it('writes exactly the expected text', () => {
    assert.equal(file?.after, expected(fixture).after);
  });

  it('changes only the edited lines: every other line is byte-identical', () => {
    const patch = structuredPatch('a', 'b', fixture, file!.after, undefined, undefined, { context: 0 });
    const removed = new Set<number>();
    for (const hunk of patch.hunks) {
      let line = hunk.oldStart - 1;
      for (const l of hunk.lines) {
        if (l.startsWith('-')) removed.add(line++);
        else if (!l.startsWith('+')) line++;
      }
    }
    assert.deepEqual([...removed].sort((a, b) => a - b), [...expected(fixture).changed].sort((a, b) => a - b));
  });

  it('keeps the trailing comments of edited lines', () => {
    const after = file!.after.split('\n');
    for (const line of ['  tag: v1.5.0 # pinned by CI', '    cpu: 1000m       # raised after the March incident', '      tag: v1.29.2   # envoy LTS']) {
      assert.ok(after.includes(line), `${JSON.stringify(line)} is in the result`);
    }
  });

  it('reads back as the source values at every promoted path, and "1.10" stays a string', () => {
    const after = parse(file!.after);
    const src = parse(source);
    assert.equal(after.global.version, '1.10');
    assert.deepEqual(after.resources, src.resources);
    assert.deepEqual(after.configMap, src.configMap);
    assert.equal(after.metrics.serviceMonitor.interval, '30s');
    assert.equal(after.metrics.serviceMonitor.enabled, undefined);
    // The alias still points at the (edited) anchor.
    assert.deepEqual(after.podLabels, { team: 'payments', tier: 'backend-v2', 'cost-center': '4711' });
  });

  it('promoting again makes no change', () => {
    const again = planChangeSet({ promotion, source: new Map([['values.yaml', source]]), target: new Map([['values.yaml', file!.after]]) });
    assert.deepEqual(again, { files: [], problems: [] });
  });
});
