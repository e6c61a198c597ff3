import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { app, env, flow, policy, product } from '../test/builders.ts';
import { aggregateStatus, applyReleaseEvent, createRelease, decide, failedEnvironments, releaseCounters, type ReleaseEvent } from './machine.ts';
import type { Release, TaskStatus } from './model.ts';
import { flowOf, manualFlow, planRelease, type ReleaseFlowInput } from './plan.ts';

const T0 = '2026-01-01T00:00:00.000Z';
const commit = { sha: 'a'.repeat(40), message: 'bump', author: 'Dev <dev@example.com>', date: T0 };
const workflows = new Set(['smoke', 'notify', 'announce', 'open-change', 'close-change', 'page', 'checks']);
const environments = [env('dev'), env('qa'), env('staging'), env('production', 'production'), env('prod-eu', 'production')];

function release(flowInput: ReleaseFlowInput, apps = ['dev', 'qa', 'staging', 'production', 'prod-eu'].map((e) => app(`cf-${e}`, 'cf', e)), policies = [policy('default', 10, {})]): Release {
  const planned = planRelease({
    product: product('cf'),
    flow: flowInput,
    environments,
    applications: apps,
    policies,
    templates: [],
    workflows,
    source: { application: apps.find((a) => a.spec.environment === flowInput.triggerEnvironment)!, commit },
  });
  assert.ok(planned.ok, JSON.stringify(!planned.ok && planned.problems));
  return createRelease({ id: 'r1', number: 1, product: 'cf', trigger: 'flow', initiator: 'alice', version: '1.0.0', snapshot: planned.snapshot, now: T0 });
}

function apply(r: Release, event: ReleaseEvent): Release {
  const result = applyReleaseEvent(r, event);
  assert.ok(result.ok, !result.ok ? result.refusal.message : '');
  return result.release;
}

/** Plays the orchestrator: starts and finishes what `decide` offers, with the outcomes given (default Succeeded). Returns the rounds of started task keys. */
function drive(r: Release, outcomes: Record<string, TaskStatus> = {}, options: { rounds?: number; leaveRunning?: string[] } = {}): { release: Release; rounds: string[][] } {
  let current = r.status === 'Queued' ? apply(r, { type: 'admitted', at: T0 }) : r;
  const rounds: string[][] = [];
  for (let i = 0; i < (options.rounds ?? 50); i++) {
    const { work } = decide(current, T0);
    const startable = work.filter((w) => w.op === 'start');
    if (startable.length === 0) break;
    rounds.push(startable.map((w) => w.task.key));
    for (const w of startable) current = apply(current, { type: 'task-started', key: w.task.key, at: T0 });
    for (const w of startable) {
      if (options.leaveRunning?.includes(w.task.key)) continue;
      const status = outcomes[w.task.key] ?? 'Succeeded';
      if (status === 'Suspended' || status === 'Running') current = apply(current, { type: 'task-progress', key: w.task.key, at: T0, status });
      else current = apply(current, { type: 'task-finished', key: w.task.key, at: T0, status: status as 'Succeeded' | 'Failed' | 'Terminated', ...(status !== 'Succeeded' ? { message: `${w.task.key} broke` } : {}) });
    }
  }
  return { release: current, rounds };
}

const stepStatuses = (r: Release) => Object.fromEntries(r.steps.map((s) => [s.environment, s.status]));

const fanIn: ReleaseFlowInput = {
  name: 'fan-in',
  triggerEnvironment: 'dev',
  triggerWorkflow: 'checks',
  steps: [
    { environment: 'qa', policy: { preAction: 'smoke', postAction: 'notify' } },
    { environment: 'staging', dependsOn: ['dev'] },
    { environment: 'production', dependsOn: ['qa', 'staging'], hooks: { onStart: 'open-change', onSuccess: 'close-change', onFail: 'page' } },
  ],
  hooks: { onStart: 'announce', onSuccess: 'announce', onFail: 'announce' },
};

describe('createRelease', () => {
  it('creates every task in reading order, Queued, with no sync wait after action none', () => {
    const r = release(fanIn, undefined, [policy('qa-none', 1, { action: 'none' }, { targetEnvironment: { names: ['staging'] } })]);
    assert.equal(r.status, 'Queued');
    assert.deepEqual(
      r.tasks.map((t) => t.key),
      [
        'release/onStart',
        'dev/cf-dev/trigger',
        'qa/cf-qa/pre',
        'qa/cf-qa/action',
        'qa/cf-qa/sync',
        'qa/cf-qa/post',
        'staging/cf-staging/action',
        'production/onStart',
        'production/cf-production/action',
        'production/cf-production/sync',
        'production/onSuccess',
        'production/onFail',
        'release/onSuccess',
        'release/onFail',
      ],
    );
    assert.equal(r.tasks.find((t) => t.key === 'staging/cf-staging/action')!.action, 'none');
    assert.ok(r.tasks.every((t) => t.status === 'Pending' && t.attempt === 0));
    assert.deepEqual(stepStatuses(r), { dev: 'Pending', qa: 'Pending', staging: 'Pending', production: 'Pending' });
  });
});

describe('decide and the reducer', () => {
  it('does nothing for a Queued release', () => {
    assert.deepEqual(decide(release(fanIn), T0), { timedOut: false, work: [] });
  });

  it('walks the DAG: release onStart, trigger workflow, parallel branches one task at a time, fan-in, hooks, Succeeded', () => {
    const { release: r, rounds } = drive(release(fanIn));
    assert.deepEqual(rounds, [
      ['release/onStart'],
      ['dev/cf-dev/trigger'],
      ['qa/cf-qa/pre', 'staging/cf-staging/action'],
      ['qa/cf-qa/action', 'staging/cf-staging/sync'],
      ['qa/cf-qa/sync'],
      ['qa/cf-qa/post'],
      ['production/onStart'],
      ['production/cf-production/action'],
      ['production/cf-production/sync'],
      ['production/onSuccess'],
      ['release/onSuccess'],
    ]);
    assert.equal(r.status, 'Succeeded');
    assert.equal(r.finishedAt, T0);
    assert.deepEqual(stepStatuses(r), { dev: 'Succeeded', qa: 'Succeeded', staging: 'Succeeded', production: 'Succeeded' });
    assert.equal(r.tasks.find((t) => t.key === 'release/onFail')!.status, 'Pending');
    assert.deepEqual(releaseCounters(r), { succeeded: 4, running: 0, failed: 0, pending: 0 });
  });

  it('production waits for both qa and staging (fan-in)', () => {
    const { release: r } = drive(release(fanIn), {}, { leaveRunning: ['qa/cf-qa/post'] });
    assert.equal(r.status, 'Running');
    assert.deepEqual(stepStatuses(r), { dev: 'Succeeded', qa: 'Running', staging: 'Succeeded', production: 'Pending' });
    assert.deepEqual(decide(r, T0).work.map((w) => [w.op, w.task.key]), [['check', 'qa/cf-qa/post']]);
  });

  it('runs the chains of several applications of one environment side by side', () => {
    const apps = [app('cf-dev', 'cf', 'dev'), app('cf-qa-a', 'cf', 'qa'), app('cf-qa-b', 'cf', 'qa')];
    const { rounds } = drive(release(manualFlow('dev', 'qa', { preAction: 'smoke' }), apps));
    assert.deepEqual(rounds, [['qa/cf-qa-a/pre', 'qa/cf-qa-b/pre'], ['qa/cf-qa-a/action', 'qa/cf-qa-b/action'], ['qa/cf-qa-a/sync', 'qa/cf-qa-b/sync']]);
  });

  it('a failure fails its step, runs the step and release onFail hooks, leaves dependants Pending and lets other branches finish', () => {
    const { release: r, rounds } = drive(release(fanIn), { 'qa/cf-qa/pre': 'Failed' });
    assert.deepEqual(rounds.slice(2), [['qa/cf-qa/pre', 'staging/cf-staging/action'], ['staging/cf-staging/sync'], ['release/onFail']]);
    assert.equal(r.status, 'Failed');
    assert.equal(r.message, 'qa (cf-qa): pre-action failed: qa/cf-qa/pre broke');
    assert.deepEqual(stepStatuses(r), { dev: 'Succeeded', qa: 'Failed', staging: 'Succeeded', production: 'Pending' });
    assert.deepEqual(failedEnvironments(r), [{ name: 'qa', status: 'Failed', errorMessage: 'qa/cf-qa/pre broke' }]);
  });

  it('a failing step with an onFail hook runs it once, and stays Failed when the hook succeeds', () => {
    const { release: r, rounds } = drive(release(fanIn), { 'production/cf-production/action': 'Failed' });
    assert.deepEqual(rounds.slice(-2), [['production/onFail'], ['release/onFail']]);
    assert.equal(r.status, 'Failed');
    assert.equal(r.steps.find((s) => s.environment === 'production')!.status, 'Failed');
    assert.equal(r.tasks.find((t) => t.key === 'production/onSuccess')!.status, 'Pending');
  });

  it('a failed step onSuccess hook fails the step and runs its onFail hook', () => {
    const { release: r, rounds } = drive(release(fanIn), { 'production/onSuccess': 'Failed' });
    assert.deepEqual(rounds.slice(-3), [['production/onSuccess'], ['production/onFail'], ['release/onFail']]);
    assert.equal(r.status, 'Failed');
  });

  it('a failed release onStart hook fails the release before any step; onFail runs', () => {
    const { release: r, rounds } = drive(release(fanIn), { 'release/onStart': 'Failed' });
    assert.deepEqual(rounds, [['release/onStart'], ['release/onFail']]);
    assert.equal(r.status, 'Failed');
    assert.deepEqual(stepStatuses(r), { dev: 'Pending', qa: 'Pending', staging: 'Pending', production: 'Pending' });
  });

  it('a failed release onSuccess hook fails the release and runs onFail', () => {
    const { release: r, rounds } = drive(release(fanIn), { 'release/onSuccess': 'Failed' });
    assert.deepEqual(rounds.slice(-2), [['release/onSuccess'], ['release/onFail']]);
    assert.equal(r.status, 'Failed');
    assert.equal(r.message, 'release: onSuccess hook failed: release/onSuccess broke');
  });

  it('a suspended action (pull request waiting) makes the step and the release Suspended', () => {
    const { release: r } = drive(release(manualFlow('dev', 'qa', { action: 'pr' })), { 'qa/cf-qa/action': 'Suspended' });
    assert.equal(r.status, 'Suspended');
    assert.equal(r.steps[1]!.status, 'Suspended');
    assert.deepEqual(decide(r, T0).work.map((w) => [w.op, w.task.key]), [['check', 'qa/cf-qa/action']]);
  });

  it('terminate cancels in-flight work, runs onFail hooks of started steps and the release, leaves downstream Pending', () => {
    let r = drive(release(fanIn), {}, { leaveRunning: ['qa/cf-qa/pre', 'staging/cf-staging/action'] }).release;
    r = apply(r, { type: 'terminate', at: T0, reason: 'stopped by alice', by: 'alice' });
    assert.equal(r.status, 'Terminating');
    assert.deepEqual(decide(r, T0).work.map((w) => [w.op, w.task.key]), [['cancel', 'qa/cf-qa/pre'], ['cancel', 'staging/cf-staging/action']]);
    r = apply(r, { type: 'task-finished', key: 'qa/cf-qa/pre', at: T0, status: 'Terminated', message: 'terminated' });
    r = apply(r, { type: 'task-finished', key: 'staging/cf-staging/action', at: T0, status: 'Terminated' });
    assert.deepEqual(decide(r, T0).work.map((w) => [w.op, w.task.key]), [['start', 'release/onFail']]);
    const { release: done } = drive(r);
    assert.equal(done.status, 'Terminated');
    assert.equal(done.message, 'stopped by alice');
    assert.deepEqual(stepStatuses(done), { dev: 'Succeeded', qa: 'Terminated', staging: 'Terminated', production: 'Pending' });
  });

  it('terminate of a step between two tasks still marks it Terminated and runs its onFail hook', () => {
    let r = drive(release(fanIn), {}, { leaveRunning: ['production/cf-production/action'] }).release;
    r = apply(r, { type: 'task-finished', key: 'production/cf-production/action', at: T0, status: 'Succeeded' });
    r = apply(r, { type: 'terminate', at: T0, reason: 'timeout' });
    const { release: done, rounds } = drive(r);
    assert.deepEqual(rounds, [['production/onFail'], ['release/onFail']]);
    assert.equal(done.steps.find((s) => s.environment === 'production')!.status, 'Terminated');
    assert.equal(done.status, 'Terminated');
  });

  it('terminate of a Queued release ends it at once, with no hooks', () => {
    const r = apply(release(fanIn), { type: 'terminate', at: T0, reason: 'superseded' });
    assert.equal(r.status, 'Terminated');
    assert.deepEqual(decide(r, T0).work, []);
  });

  it('retry resumes at the failed task with the same id and a new attempt, never repeating what succeeded', () => {
    const failed = drive(release(fanIn), { 'qa/cf-qa/post': 'Failed' }).release;
    assert.equal(failed.status, 'Failed');
    let r = apply(failed, { type: 'retry', at: '2026-01-01T01:00:00.000Z' });
    assert.equal(r.status, 'Queued');
    assert.equal(r.id, 'r1');
    assert.equal(r.retries, 1);
    assert.equal(r.queuedAt, '2026-01-01T01:00:00.000Z');
    const { release: done, rounds } = drive(r);
    assert.deepEqual(rounds[0], ['qa/cf-qa/post']);
    assert.equal(done.status, 'Succeeded');
    assert.equal(done.tasks.find((t) => t.key === 'qa/cf-qa/post')!.attempt, 2);
    assert.equal(done.tasks.find((t) => t.key === 'qa/cf-qa/action')!.attempt, 1);
    r = done;
  });

  it('retry of a terminated release resumes the cancelled tasks', () => {
    let r = drive(release(manualFlow('dev', 'qa')), {}, { leaveRunning: ['qa/cf-qa/sync'] }).release;
    r = apply(r, { type: 'terminate', at: T0, reason: 'stop' });
    r = apply(r, { type: 'task-finished', key: 'qa/cf-qa/sync', at: T0, status: 'Terminated' });
    assert.equal(r.status, 'Terminated');
    const { release: done, rounds } = drive(apply(r, { type: 'retry', at: T0 }));
    assert.deepEqual(rounds, [['qa/cf-qa/sync']]);
    assert.equal(done.status, 'Succeeded');
  });

  it('says timedOut once the flow timeout has passed since the release started', () => {
    const r = drive(release({ ...manualFlow('dev', 'qa'), timeout: '30m' }), {}, { leaveRunning: ['qa/cf-qa/action'] }).release;
    assert.equal(decide(r, '2026-01-01T00:30:00.000Z').timedOut, false);
    assert.equal(decide(r, '2026-01-01T00:30:00.001Z').timedOut, true);
  });

  it('merges exported promotion contexts, newer keys winning', () => {
    let r = drive(release(fanIn), {}, { rounds: 1, leaveRunning: ['release/onStart'] }).release;
    r = apply(r, { type: 'task-finished', key: 'release/onStart', at: T0, status: 'Succeeded', context: { ticket: 'A-1', url: 'x' } });
    r = drive(r, {}, { rounds: 1 }).release;
    const hook = decide(r, T0);
    assert.ok(hook.work.length > 0);
    r = apply(r, { type: 'task-started', key: 'qa/cf-qa/pre', at: T0 });
    r = apply(r, { type: 'task-finished', key: 'qa/cf-qa/pre', at: T0, status: 'Succeeded', context: { ticket: 'A-2' } });
    assert.deepEqual(r.context, { ticket: 'A-2', url: 'x' });
  });

  it('absorbs late task events and refuses events that do not fit', () => {
    const r = drive(release(manualFlow('dev', 'qa'))).release;
    const late = applyReleaseEvent(r, { type: 'task-finished', key: 'qa/cf-qa/action', at: T0, status: 'Failed' });
    assert.ok(late.ok);
    assert.equal(late.release, r);
    assert.deepEqual(applyReleaseEvent(r, { type: 'task-started', key: 'qa/nope', at: T0 }), { ok: false, refusal: { code: 'not_found', message: 'release cf #1 has no task "qa/nope"' } });
    assert.deepEqual(applyReleaseEvent(r, { type: 'terminate', at: T0, reason: 'x' }), { ok: false, refusal: { code: 'conflict', message: 'release cf #1 has already ended (Succeeded)' } });
    assert.deepEqual(applyReleaseEvent(r, { type: 'retry', at: T0 }), {
      ok: false,
      refusal: { code: 'conflict', message: 'release cf #1 is Succeeded: only a Failed or Terminated release can be retried' },
    });
    assert.deepEqual(applyReleaseEvent(r, { type: 'admitted', at: T0 }), { ok: false, refusal: { code: 'conflict', message: 'release cf #1 is Succeeded, not Queued' } });
  });

  it('does not change the release it is given', () => {
    const r = release(fanIn);
    const copy = structuredClone(r);
    apply(r, { type: 'admitted', at: T0 });
    assert.deepEqual(r, copy);
  });
});

describe('aggregateStatus', () => {
  const cases: [TaskStatus[], TaskStatus][] = [
    [[], 'Succeeded'],
    [['Succeeded', 'Succeeded'], 'Succeeded'],
    [['Succeeded', 'Pending'], 'Pending'],
    [['Pending', 'Suspended'], 'Suspended'],
    [['Suspended', 'Running'], 'Running'],
    [['Running', 'Terminated'], 'Terminated'],
    [['Terminated', 'Failed', 'Running'], 'Failed'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(aggregateStatus(input), expected));
  }
});

describe('planRelease', () => {
  const apps = ['dev', 'qa', 'production'].map((e) => app(`cf-${e}`, 'cf', e));
  const base = { product: product('cf'), environments, applications: apps, templates: [], workflows, source: { application: apps[0]!, commit } };

  it('resolves each step policy with its sources, inline fields winning', () => {
    const planned = planRelease({
      ...base,
      flow: flowOf(flow('f', { triggerEnvironment: 'dev', steps: [{ environment: 'qa', policy: { postAction: 'notify' } }, { environment: 'production' }] })),
      policies: [policy('prod-pr', 5, { action: 'pr', preAction: 'smoke' }, { targetEnvironment: { kinds: ['production'] } }), policy('all', 10, { postAction: 'smoke' })],
    });
    assert.ok(planned.ok);
    const [, qa, production] = planned.snapshot.steps;
    assert.deepEqual(qa!.policy, {
      action: { value: 'commit', source: { type: 'default' } },
      postAction: { value: 'notify', source: { type: 'inline', name: 'flow "f" step "qa"' } },
    });
    assert.deepEqual(production!.policy, {
      preAction: { value: 'smoke', source: { type: 'policy', name: 'prod-pr', priority: 5 } },
      action: { value: 'pr', source: { type: 'policy', name: 'prod-pr', priority: 5 } },
      postAction: { value: 'smoke', source: { type: 'policy', name: 'all', priority: 10 } },
    });
    assert.deepEqual(production!.dependsOn, ['qa']);
    assert.equal(planned.snapshot.flow.timeoutMs, 24 * 3600 * 1000);
  });

  it('keeps the Argo CD application of each target, with its namespace when it has one', () => {
    const [dev, qa, production] = apps;
    const planned = planRelease({
      ...base,
      applications: [dev!, { ...qa!, spec: { ...qa!.spec, argocd: { name: 'cf-qa' } } }, { ...production!, spec: { ...production!.spec, argocd: { name: 'cf-prod', namespace: 'team-cf' } } }],
      flow: flowOf(flow('f', { triggerEnvironment: 'dev', steps: [{ environment: 'qa' }, { environment: 'production' }] })),
      policies: [],
    });
    assert.ok(planned.ok);
    const [, qaStep, productionStep] = planned.snapshot.steps;
    assert.deepEqual(qaStep!.applications[0]!.argocd, { name: 'cf-qa' });
    assert.deepEqual(productionStep!.applications[0]!.argocd, { name: 'cf-prod', namespace: 'team-cf' });
  });

  it('lists every problem: no application in an environment, unknown workflows, unknown environment', () => {
    const planned = planRelease({
      ...base,
      flow: { name: 'f', triggerEnvironment: 'dev', triggerWorkflow: 'ghost', steps: [{ environment: 'staging' }, { environment: 'mars' }], hooks: { onFail: 'pager' } },
      policies: [],
    });
    assert.ok(!planned.ok);
    assert.deepEqual(
      planned.problems.map((p) => [p.rule, p.path, p.message]),
      [
        ['unknown-reference', 'spec.triggerWorkflow', 'flow "f": WorkflowTemplate "ghost" (spec.triggerWorkflow) does not exist'],
        ['unknown-reference', 'spec.hooks.onFail', 'flow "f": WorkflowTemplate "pager" (spec.hooks.onFail) does not exist'],
        ['no-application', 'spec.steps[0].environment', 'product "cf" has no application in environment "staging", which flow "f" promotes to'],
        ['unknown-reference', 'spec.steps[1].environment', 'flow "f": environment "mars" does not exist'],
      ],
    );
  });

  it('refuses a flow whose steps wait for each other', () => {
    const planned = planRelease({ ...base, policies: [], flow: { name: 'f', triggerEnvironment: 'dev', steps: [{ environment: 'qa', dependsOn: ['production'] }, { environment: 'production', dependsOn: ['qa'] }] } });
    assert.ok(!planned.ok);
    assert.equal(planned.problems[0]!.rule, 'dependency-cycle');
  });
});
