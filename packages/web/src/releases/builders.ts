import type { Release, ReleaseStepPlan, StepState, Task } from '@stagecoach/core';
import type { ReleaseView } from './api.ts';

/** A step plan: `step('qa', ['dev'])`; the first argument list's trigger step has no dependencies. */
export function aStepPlan(environment: string, dependsOn: string[], applications: string[] = [`cf-101-${environment}`]): ReleaseStepPlan {
  return {
    environment,
    environmentKind: environment.startsWith('production') ? 'production' : 'non-production',
    trigger: dependsOn.length === 0,
    dependsOn,
    hooks: {},
    applications: applications.map((name) => ({ name, repoURL: 'https://git.example/cf-101.git', branch: 'main', folder: `envs/${environment}`, namespace: '' })),
  };
}

/** A task of `environment`/`application` of `kind`, Pending unless said otherwise. */
export function aTask(kind: Task['kind'], fields: Partial<Task> = {}): Task {
  const key = [fields.environment ?? 'release', fields.application ?? fields.hook ?? '', kind].filter(Boolean).join('/');
  return { key, kind, status: 'Pending', attempt: 0, ...fields };
}

/** A release of cf-101 over `plans`, with the given step states and tasks. */
export function aRelease(plans: ReleaseStepPlan[], steps: StepState[] = [], tasks: Task[] = [], fields: Partial<ReleaseView> = {}): ReleaseView {
  const release: Release = {
    id: '01release',
    number: 4,
    product: 'cf-101',
    trigger: 'flow',
    initiator: 'admin',
    version: '1.4.0',
    status: 'Running',
    snapshot: {
      flow: { name: 'env-dependencies', version: '3.0', timeout: '24h', timeoutMs: 86_400_000, hooks: {} },
      source: {
        application: plans[0]!.applications[0]!,
        environment: plans[0]!.environment,
        commit: { sha: '1202fb606a234eb2bee4bfbcec45e4b244d06237', message: 'dev: cf-101 1.4.0\n\nmore', author: 'Priya', date: '2026-11-26T15:00:00Z' },
      },
      steps: plans,
    },
    steps: plans.map((plan) => steps.find((step) => step.environment === plan.environment) ?? { environment: plan.environment, status: 'Pending' }),
    tasks,
    context: {},
    retries: 0,
    createdAt: '2026-11-26T15:00:00Z',
    queuedAt: '2026-11-26T15:00:00Z',
    updatedAt: '2026-11-26T15:00:00Z',
  };
  return { ...release, title: 'cf-101 #4', counters: { succeeded: 0, running: 0, failed: 0, pending: plans.length }, ...fields };
}

/** The flow of the demo's `env-dependencies`: dev → qa, staging → production. */
export const diamond = (): ReleaseStepPlan[] => [aStepPlan('dev', []), aStepPlan('qa', ['dev']), aStepPlan('staging', ['dev']), aStepPlan('production', ['qa', 'staging'])];
