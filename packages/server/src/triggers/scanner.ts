import {
  isStagecoachCommit,
  matchGitTriggerSelectors,
  type Application,
  type Product,
  type ProductFlowEntry,
  type PromotionFlow,
  type Resource,
} from '@stagecoach/core';
import type { Clock } from '../clock.ts';
import { displayUrl } from '../git/errors.ts';
import type { CommitInfo, GitRepository } from '../git/port.ts';
import type { OpenRepository } from '../promotions/preview.ts';
import { applicationBranch, applicationFolder } from '../promotions/world.ts';
import type { TriggerCursorKey, TriggerCursorRepo } from '../store/port.ts';
import { normalizeRepoURL } from './webhook.ts';
import { eachLimited } from '../concurrency.ts';

/** An automatic trigger: a new commit in a trigger application's folder chose this flow of this product. */
export interface TriggerEvent {
  product: string;
  flow: string;
  /** The trigger-environment application whose folder the commit touched. */
  application: string;
  /** The newest commit that touched the folder: the release's trigger commit. */
  commit: CommitInfo;
}

/**
 * Starts what an automatic trigger asks for (a release). It must be idempotent for one (flow,
 * product, commit): the scanner moves its cursor only after the promise resolves, so a crash in
 * between calls it again for the same commit. A rejection leaves the cursor where it was, and the
 * next scan calls again.
 */
export type OnTrigger = (event: TriggerEvent) => Promise<void>;

/**
 * An application automatic triggers watch: its product lists, in `spec.promotionFlows`, a flow
 * whose `triggerEnvironment` is the application's environment.
 */
export interface TriggerApplication {
  application: Application;
  product: Product;
  /** The product's flow entries whose flow starts in the application's environment, in list order. */
  entries: ProductFlowEntry[];
  repoURL: string;
  branch: string;
  folder: string;
}

/** Every trigger application among the resources, by application name. */
export function triggerApplications(resources: readonly Resource[]): TriggerApplication[] {
  const products = new Map<string, Product>();
  const flows = new Map<string, PromotionFlow>();
  const applications: Application[] = [];
  for (const r of resources) {
    if (r.kind === 'Product') products.set(r.metadata.name, r);
    else if (r.kind === 'PromotionFlow') flows.set(r.metadata.name, r);
    else if (r.kind === 'Application') applications.push(r);
  }
  const found: TriggerApplication[] = [];
  for (const application of applications) {
    const product = products.get(application.spec.product);
    if (product === undefined) continue;
    const entries = (product.spec.promotionFlows ?? []).filter((e) => flows.get(e.name)?.spec.triggerEnvironment === application.spec.environment);
    if (entries.length === 0) continue;
    found.push({
      application,
      product,
      entries,
      repoURL: application.spec.source.repoURL,
      branch: applicationBranch(application),
      folder: applicationFolder(application),
    });
  }
  return found.sort((a, b) => (a.application.metadata.name < b.application.metadata.name ? -1 : 1));
}

/** Which applications a scan looks at: those on one of these repositories (normalised, see `normalizeRepoURL`) and this branch. */
export interface ScanFilter {
  repoURLs: readonly string[];
  branch: string;
}

/**
 * What a scan found for one trigger application:
 * - `first-sighting`: no cursor yet; it now points at the folder's newest commit, nothing triggered;
 * - `unchanged`: the folder's newest commit is the one the cursor points at;
 * - `triggered`: a new folder commit started `flow`; the cursor moved;
 * - `stagecoach-commit`: the new folder commit was made by Stagecoach; the cursor moved, nothing triggered;
 * - `no-matching-flow`: no flow entry's selectors match the new commit; the cursor moved;
 * - `rewound`: the folder's newest commit is older than the cursor's (the branch went back); nothing moved;
 * - `no-folder-commit`: no commit on the branch touches the folder (it does not exist); nothing moved;
 * - `failed`: the repository, the branch or the trigger failed (`message`); nothing moved, the next scan retries.
 */
export type ScanOutcome =
  | 'first-sighting'
  | 'unchanged'
  | 'triggered'
  | 'stagecoach-commit'
  | 'no-matching-flow'
  | 'rewound'
  | 'no-folder-commit'
  | 'failed';

/** One trigger application looked at by a scan. */
export interface ApplicationScan {
  application: string;
  product: string;
  environment: string;
  /** The application's `repoURL`, without any user or password. */
  repoURL: string;
  branch: string;
  folder: string;
  outcome: ScanOutcome;
  /** The folder's newest commit, when one was found. */
  commit?: string;
  /** The flow started, when `triggered`. */
  flow?: string;
  /** Why, when `failed`. */
  message?: string;
}

/** What one scan did: every application it looked at (by name) and the triggers it called. */
export interface ScanReport {
  checked: ApplicationScan[];
  triggered: TriggerEvent[];
}

export interface TriggerScannerOptions {
  /** Reads every stored resource (the scanner keeps none between scans). */
  resources: () => Promise<readonly Resource[]>;
  open: OpenRepository;
  cursors: TriggerCursorRepo;
  onTrigger: OnTrigger;
  /**
   * Hears each application whose folder has a newer commit than its cursor said (not the first
   * sighting), once the cursor moved; for telling viewers that a version may have changed.
   */
  onFolderChange?: (scan: ApplicationScan) => void | Promise<void>;
  clock: Clock;
  /** Receives one line per failure (a repository that cannot be read, a trigger that failed). Default: none. */
  log?: (message: string) => void;
  /** How many repository branches are looked at at once; default 4. */
  concurrency?: number;
}

/**
 * Finds new commits in trigger applications' folders and calls `onTrigger` for each, the same way
 * for a webhook's hint and for polling. Per application it keeps a cursor in the store (the last
 * folder commit seen), moved by compare-and-set so that of several replicas scanning at once only
 * one moves it; within this process, scans of one repository branch take turns.
 */
export class TriggerScanner {
  readonly #options: TriggerScannerOptions;
  readonly #turns = new Turns();

  constructor(options: TriggerScannerOptions) {
    this.#options = options;
  }

  /** Looks at every trigger application, or only those the filter names. Never rejects for a repository's or a trigger's failure. */
  async scan(filter?: ScanFilter): Promise<ScanReport> {
    let watched = triggerApplications(await this.#options.resources());
    if (filter !== undefined) {
      watched = watched.filter((t) => t.branch === filter.branch && filter.repoURLs.includes(normalizeRepoURL(t.repoURL)));
    }
    // One look at the remote per repository and branch, however many applications share them.
    const groups = new Map<string, TriggerApplication[]>();
    for (const t of watched) {
      const key = `${t.repoURL}\n${t.branch}`;
      groups.set(key, [...(groups.get(key) ?? []), t]);
    }
    const report: ScanReport = { checked: [], triggered: [] };
    await eachLimited([...groups.values()], this.#options.concurrency ?? 4, async (group) => {
      const { repoURL, branch } = group[0]!;
      const scans = await this.#turns.take(`${normalizeRepoURL(repoURL)}\n${branch}`, () => this.#scanBranch(repoURL, branch, group, report.triggered));
      report.checked.push(...scans);
    });
    report.checked.sort((a, b) => (a.application < b.application ? -1 : a.application > b.application ? 1 : 0));
    return report;
  }

  async #scanBranch(repoURL: string, branch: string, group: TriggerApplication[], triggered: TriggerEvent[]): Promise<ApplicationScan[]> {
    const scans: ApplicationScan[] = [];
    // Cursors are read before the branch: a cursor another replica moved is then never ahead of
    // the tip read here (unless the branch was rewound, which `rewound` covers).
    let cursors: (string | undefined)[];
    let repo: GitRepository;
    let tip: string;
    let step = 'cannot read the trigger cursors of';
    try {
      cursors = await Promise.all(group.map(async (t) => (await this.#options.cursors.get(cursorKey(t)))?.commit));
      step = 'cannot look at';
      repo = await this.#options.open(repoURL);
      tip = await repo.resolveBranch(branch);
    } catch (e) {
      const message = errorMessage(e);
      this.#log(`${step} ${displayUrl(repoURL)} branch "${branch}": ${message}`);
      return group.map((t) => ({ ...describe(t), outcome: 'failed', message }));
    }
    for (const [i, t] of group.entries()) {
      try {
        scans.push(await this.#scanApplication(t, repo, tip, cursors[i], triggered));
      } catch (e) {
        const message = errorMessage(e);
        this.#log(`application "${t.application.metadata.name}" (${displayUrl(repoURL)} branch "${branch}", folder "${t.folder}"): ${message}`);
        scans.push({ ...describe(t), outcome: 'failed', message });
      }
    }
    for (const scan of scans) if (CHANGED.has(scan.outcome)) await this.#tellChange(scan);
    return scans;
  }

  async #scanApplication(t: TriggerApplication, repo: GitRepository, tip: string, cursor: string | undefined, triggered: TriggerEvent[]): Promise<ApplicationScan> {
    const base = describe(t);
    const commit = await repo.lastChange(tip, t.folder);
    if (commit === undefined) return { ...base, outcome: 'no-folder-commit' };
    const seen = { ...base, commit: commit.sha };
    if (cursor === commit.sha) return { ...seen, outcome: 'unchanged' };
    if (cursor === undefined) {
      await this.#move(t, undefined, commit.sha);
      return { ...seen, outcome: 'first-sighting' };
    }
    if ((await repo.hasCommit(cursor)) && (await repo.isAncestor(commit.sha, cursor))) return { ...seen, outcome: 'rewound' };
    if (isStagecoachCommit(commit.message)) {
      await this.#move(t, cursor, commit.sha);
      return { ...seen, outcome: 'stagecoach-commit' };
    }
    const entry = t.entries.find((e) => matchGitTriggerSelectors(e.gitTriggerSelectors, commit));
    if (entry === undefined) {
      await this.#move(t, cursor, commit.sha);
      return { ...seen, outcome: 'no-matching-flow' };
    }
    const event: TriggerEvent = { product: t.product.metadata.name, flow: entry.name, application: t.application.metadata.name, commit };
    try {
      await this.#options.onTrigger(event);
    } catch (e) {
      throw new Error(`flow "${entry.name}" for commit ${commit.sha} could not start: ${errorMessage(e)}`, { cause: e });
    }
    // Moved only once the trigger is recorded. A crash between the two calls the trigger again for
    // this commit on the next scan, which it ignores (it dedupes by flow, product and commit); a
    // replica that moved the cursor first has called it for the same commit, with the same effect.
    triggered.push(event);
    await this.#move(t, cursor, commit.sha);
    return { ...seen, outcome: 'triggered', flow: entry.name };
  }

  /** Compare-and-set; losing means another replica moved the cursor first, which is fine either way. */
  async #move(t: TriggerApplication, from: string | undefined, to: string): Promise<void> {
    await this.#options.cursors.compareAndSet(cursorKey(t), from, to, this.#options.clock.now().toISOString());
  }

  async #tellChange(scan: ApplicationScan): Promise<void> {
    try {
      await this.#options.onFolderChange?.(scan);
    } catch (e) {
      this.#log(`application "${scan.application}": telling of its new commit ${scan.commit}: ${errorMessage(e)}`);
    }
  }

  #log(message: string): void {
    this.#options.log?.(`automatic triggers: ${message}`);
  }
}

/** Outcomes of a scan that found a newer commit in the folder. */
const CHANGED: ReadonlySet<ScanOutcome> = new Set(['stagecoach-commit', 'no-matching-flow', 'triggered']);

function cursorKey(t: TriggerApplication): TriggerCursorKey {
  return { application: t.application.metadata.name, repoURL: t.repoURL, branch: t.branch, folder: t.folder };
}

function describe(t: TriggerApplication): Omit<ApplicationScan, 'outcome'> {
  return {
    application: t.application.metadata.name,
    product: t.product.metadata.name,
    environment: t.application.spec.environment,
    repoURL: displayUrl(t.repoURL),
    branch: t.branch,
    folder: t.folder,
  };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}


/** Makes work on one key take turns, in arrival order; different keys run side by side. */
class Turns {
  readonly #tails = new Map<string, Promise<void>>();

  async take<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      done();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
