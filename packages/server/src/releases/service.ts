import {
  admission,
  applyReleaseEvent,
  chooseSourceApplication,
  concurrencySettings,
  createRelease,
  flowOf,
  manualFlow,
  planRelease,
  readVersion,
  resolvePromotionTemplate,
  releaseCounters,
  type Action,
  type Application,
  type InlinePolicySettings,
  type Problem,
  type Product,
  type PromotionTemplate,
  type Release,
  type ReleaseEvent,
  type ReleaseFlowInput,
  type ReleaseStatus,
  type ReleaseTrigger,
} from '@stagecoach/core';
import { newId, type Clock } from '../clock.ts';
import { fail, ok, type Result } from '../errors.ts';
import type { CommitInfo } from '../git/port.ts';
import type { OpenRepository } from '../promotions/preview.ts';
import { gitFailure } from '../promotions/service.ts';
import { applicationBranch, applicationFolder, buildWorld, repoPath } from '../promotions/world.ts';
import type { ResourceService } from '../resources/service.ts';
import type { ReleaseFilter, Store, StoredRelease } from '../store/port.ts';
import { releaseCommit } from './runners/action.ts';

/** A release as the API shows it: the release, its counters and its label for people. */
export interface ReleaseView extends Release {
  /** `cf-101 #42`. */
  title: string;
  counters: ReturnType<typeof releaseCounters>;
}

/** A release in lists: no tasks and no snapshot, only what the releases table shows. */
export interface ReleaseSummary {
  id: string;
  number: number;
  title: string;
  product: string;
  flow: string;
  flowVersion?: string;
  version: string;
  trigger: ReleaseTrigger;
  initiator: string;
  status: ReleaseStatus;
  message?: string;
  commit: { sha: string; message: string; author: string };
  steps: { environment: string; status: string; message?: string }[];
  counters: ReturnType<typeof releaseCounters>;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  updatedAt: string;
}

/** A manual promotion (the dashboard's drag-and-drop, `stagecoach promote`). */
export interface ManualPromotion {
  product: string;
  from: string;
  to: string;
  /** The source application when the product has several in `from`. */
  application?: string;
  /** Override the policies for this promotion, field by field; a workflow of `null` runs none. */
  action?: Action;
  preAction?: string | null;
  postAction?: string | null;
}

/** A flow started by hand for a product. */
export interface FlowTrigger {
  flow: string;
  product: string;
  /** The trigger-environment application when the product has several there. */
  application?: string;
}

/** A flow an automatic trigger starts: a new commit on a trigger application's folder. */
export interface GitTrigger {
  flow: string;
  product: string;
  application: string;
  commit: CommitInfo;
}

/** Told about every change of a release, after it is stored. */
export type ReleaseListener = (release: Release, previous: Release | undefined) => void;

export interface ReleaseServiceOptions {
  store: Store;
  resources: ResourceService;
  open: OpenRepository;
  clock: Clock;
  onChange?: ReleaseListener;
}

const ACTIVE: readonly ReleaseStatus[] = ['Queued', 'Running', 'Suspended', 'Terminating'];

/**
 * Creates releases (manual promotions, flow triggers, automatic triggers), lists them, and
 * changes them on people's request (terminate, retry). Every change goes through the core
 * reducer and a compare-and-set on the stored revision, so it never overwrites a concurrent one:
 * on a conflict it reads again and re-applies the event.
 */
export class ReleaseService {
  readonly #store: Store;
  readonly #resources: ResourceService;
  readonly #open: OpenRepository;
  readonly #clock: Clock;
  readonly #onChange: ReleaseListener | undefined;

  constructor(options: ReleaseServiceOptions) {
    this.#store = options.store;
    this.#resources = options.resources;
    this.#open = options.open;
    this.#clock = options.clock;
    this.#onChange = options.onChange;
  }

  /** Promotes a product from one environment to another: a release of the `manual` flow. */
  async promote(input: ManualPromotion, initiator: string): Promise<Result<ReleaseView>> {
    if (input.from === input.to) return fail('validation_failed', `promotion of "${input.product}": source and target are both "${input.from}"`);
    const policy: InlinePolicySettings = {
      ...(input.action ? { action: input.action } : {}),
      ...(input.preAction !== undefined ? { preAction: input.preAction } : {}),
      ...(input.postAction !== undefined ? { postAction: input.postAction } : {}),
    };
    const created = await this.#create({ flow: manualFlow(input.from, input.to, policy), product: input.product, trigger: 'manual', initiator, ...(input.application ? { application: input.application } : {}) });
    return created.ok ? ok(created.value.release) : created;
  }

  /** Starts a flow for a product by hand. */
  async triggerFlow(input: FlowTrigger, initiator: string): Promise<Result<ReleaseView>> {
    const flow = await this.#resources.get('PromotionFlow', input.flow);
    if (!flow.ok || flow.value.kind !== 'PromotionFlow') return fail('not_found', `PromotionFlow "${input.flow}" not found`);
    const created = await this.#create({ flow: flowOf(flow.value), product: input.product, trigger: 'flow', initiator, ...(input.application ? { application: input.application } : {}) });
    return created.ok ? ok(created.value.release) : created;
  }

  /**
   * Starts a flow for a new commit an automatic trigger saw. At most one release per (flow,
   * product, commit): a second call returns the first release with `duplicate: true`.
   */
  async triggerFromGit(input: GitTrigger): Promise<Result<ReleaseView & { duplicate: boolean }>> {
    const key = `git:${input.flow}:${input.product}:${input.commit.sha}`;
    const existing = await this.#store.releases.findByTriggerKey(key);
    if (existing) return ok({ ...view(existing.release), duplicate: true });
    const flow = await this.#resources.get('PromotionFlow', input.flow);
    if (!flow.ok || flow.value.kind !== 'PromotionFlow') return fail('not_found', `PromotionFlow "${input.flow}" not found`);
    const created = await this.#create({ flow: flowOf(flow.value), product: input.product, trigger: 'git', initiator: 'git', application: input.application, commit: input.commit, triggerKey: key });
    return created.ok ? ok({ ...created.value.release, duplicate: created.value.duplicate }) : created;
  }

  async #create(input: {
    flow: ReleaseFlowInput;
    product: string;
    trigger: ReleaseTrigger;
    initiator: string;
    application?: string;
    commit?: CommitInfo;
    triggerKey?: string;
  }): Promise<Result<{ release: ReleaseView; duplicate: boolean }>> {
    const resources = await this.#resources.all();
    const world = buildWorld(resources);
    const product = world.products.get(input.product);
    if (!product) return fail('not_found', `Product "${input.product}" not found`);
    const chosen = chooseSourceApplication(world.applications, input.product, input.flow.triggerEnvironment, input.application);
    if (!chosen.ok) return fail('validation_failed', chosen.problem.message, [chosen.problem]);
    let pinned: { commit: CommitInfo; version: string };
    try {
      pinned = await this.#pin(chosen.application, input.commit, world.templates, product);
    } catch (e) {
      return gitFailure(e);
    }
    const workflows = new Set(resources.filter((r) => r.kind === 'WorkflowTemplate').map((r) => r.metadata.name));
    const planned = planRelease({
      product,
      flow: input.flow,
      environments: [...world.environments.values()],
      applications: world.applications,
      policies: world.policies,
      templates: world.templates,
      workflows,
      source: { application: chosen.application, commit: releaseCommit(pinned.commit) },
    });
    if (!planned.ok) return fail('validation_failed', summarize(input.flow.name, input.product, planned.problems), planned.problems);
    const now = this.#clock.now();
    const created = await this.#store.transaction(async (tx) => {
      const number = await tx.releases.nextNumber(input.product);
      const release = createRelease({
        id: newId(now),
        number,
        product: input.product,
        trigger: input.trigger,
        initiator: input.initiator,
        version: pinned.version,
        snapshot: planned.snapshot,
        now: now.toISOString(),
      });
      const outcome = await tx.releases.create(release, input.triggerKey);
      return outcome === 'created' ? release : undefined;
    });
    if (!created) {
      const existing = input.triggerKey ? await this.#store.releases.findByTriggerKey(input.triggerKey) : undefined;
      if (existing) return ok({ release: view(existing.release), duplicate: true });
      return fail('conflict', 'a release for this trigger already exists');
    }
    this.#onChange?.(created, undefined);
    await this.admit(input.product);
    const stored = await this.#store.releases.get(created.id);
    return ok({ release: view(stored?.release ?? created), duplicate: false });
  }

  /** The commit a release promotes (the branch tip, or the commit a trigger saw) and the product's version there. */
  async #pin(application: Application, given: CommitInfo | undefined, templates: readonly PromotionTemplate[], product: Product) {
    const repo = await this.#open(application.spec.source.repoURL);
    const sha = given?.sha ?? (await repo.refreshBranch(applicationBranch(application)));
    const commit = given ?? (await repo.commitInfo(sha));
    const { versionSource } = resolvePromotionTemplate({ product, application, templates }).template;
    let version = 'unknown';
    if (versionSource) {
      const text = await repo.readFile(sha, repoPath(applicationFolder(application), versionSource.file));
      const read = readVersion(text, versionSource.file, versionSource.jsonPath);
      if (read.ok) version = read.version;
    }
    return { commit, version };
  }

  async list(filter: ReleaseFilter = {}): Promise<ReleaseSummary[]> {
    return (await this.#store.releases.list(filter)).map((s) => summary(s.release));
  }

  async get(id: string): Promise<Result<ReleaseView>> {
    const stored = await this.#store.releases.get(id);
    return stored ? ok(view(stored.release)) : fail('not_found', `release "${id}" not found`);
  }

  /** Stops a release: running work is cancelled by the orchestrator, then `onFail` hooks run. */
  async terminate(id: string, by: string, reason = `terminated by ${by}`): Promise<Result<ReleaseView>> {
    const changed = await this.change(id, (now) => ({ type: 'terminate', at: now, reason, by }));
    if (changed.ok) await this.admit(changed.value.product);
    return changed.ok ? ok(view(changed.value)) : changed;
  }

  /** Starts a Failed or Terminated release again where it stopped (same id); it queues like a new one. */
  async retry(id: string, by: string): Promise<Result<ReleaseView>> {
    const changed = await this.change(id, (now) => ({ type: 'retry', at: now, by }));
    if (changed.ok) await this.admit(changed.value.product);
    const stored = changed.ok ? await this.#store.releases.get(id) : undefined;
    return changed.ok ? ok(view(stored?.release ?? changed.value)) : changed;
  }

  /**
   * Applies an event to a stored release, reading again and re-applying on a concurrent write.
   * The reducer's refusals come back as `conflict` or `not_found`.
   */
  async change(id: string, event: (now: string) => ReleaseEvent): Promise<Result<Release>> {
    for (;;) {
      const stored = await this.#store.releases.get(id);
      if (!stored) return fail('not_found', `release "${id}" not found`);
      const applied = applyReleaseEvent(stored.release, event(this.#clock.now().toISOString()));
      if (!applied.ok) return fail(applied.refusal.code, applied.refusal.message);
      if (applied.release === stored.release) return ok(stored.release);
      if ((await this.#store.releases.update(applied.release, stored.revision)) !== undefined) {
        this.#onChange?.(applied.release, stored.release);
        return ok(applied.release);
      }
    }
  }

  /**
   * Applies the product's concurrency rule to its releases that have not ended: terminates the
   * ones it drops and admits the one that may run. Serialised per product (a lock in the store),
   * so two replicas never admit two releases at once.
   */
  async admit(product: string): Promise<void> {
    const now = this.#clock.now().toISOString();
    const productResource = await this.#resources.get('Product', product);
    const settings = concurrencySettings(productResource.ok && productResource.value.kind === 'Product' ? productResource.value : undefined);
    const changes = await this.#store.transaction(async (tx) => {
      await tx.releases.lockProduct(product);
      const contending = await tx.releases.withStatus(ACTIVE, product);
      const decided = admission(
        settings,
        contending.map((s) => ({ id: s.release.id, number: s.release.number, status: s.release.status, queuedAt: s.release.queuedAt })),
      );
      const byId = new Map(contending.map((s) => [s.release.id, s]));
      const done: [Release, Release][] = [];
      const write = async (stored: StoredRelease, event: ReleaseEvent) => {
        const applied = applyReleaseEvent(stored.release, event);
        if (!applied.ok || applied.release === stored.release) return;
        if ((await tx.releases.update(applied.release, stored.revision)) !== undefined) done.push([applied.release, stored.release]);
      };
      for (const t of decided.terminate) await write(byId.get(t.id)!, { type: 'terminate', at: now, reason: t.reason });
      for (const id of decided.admit) await write(byId.get(id)!, { type: 'admitted', at: now });
      return done;
    });
    for (const [release, previous] of changes) this.#onChange?.(release, previous);
  }

  /** Products that have a Queued release (the orchestrator admits them). */
  async productsWaiting(): Promise<string[]> {
    return [...new Set((await this.#store.releases.withStatus(['Queued'])).map((s) => s.release.product))];
  }
}

function summarize(flow: string, product: string, problems: readonly Problem[]): string {
  const first = problems[0]?.message ?? 'invalid';
  return problems.length === 1 ? first : `cannot start flow "${flow}" for product "${product}": ${problems.length} problems, the first: ${first}`;
}

/** The API's view of a release. */
export function view(release: Release): ReleaseView {
  return { ...release, title: `${release.product} #${release.number}`, counters: releaseCounters(release) };
}

/** The list view of a release. */
export function summary(release: Release): ReleaseSummary {
  const commit = release.snapshot.source.commit;
  return {
    id: release.id,
    number: release.number,
    title: `${release.product} #${release.number}`,
    product: release.product,
    flow: release.snapshot.flow.name,
    ...(release.snapshot.flow.version ? { flowVersion: release.snapshot.flow.version } : {}),
    version: release.version,
    trigger: release.trigger,
    initiator: release.initiator,
    status: release.status,
    ...(release.message ? { message: release.message } : {}),
    commit: { sha: commit.sha, message: commit.message.split('\n')[0] ?? '', author: commit.author },
    steps: release.steps.map((s) => ({ environment: s.environment, status: s.status, ...(s.message ? { message: s.message } : {}) })),
    counters: releaseCounters(release),
    createdAt: release.createdAt,
    ...(release.startedAt ? { startedAt: release.startedAt } : {}),
    ...(release.finishedAt ? { finishedAt: release.finishedAt } : {}),
    updatedAt: release.updatedAt,
  };
}

