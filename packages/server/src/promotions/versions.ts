import { error, readVersion, resolvePromotionTemplate, type Application, type Resource, type VersionSource } from '@stagecoach/core';
import { fail, ok, type Result } from '../errors.ts';
import type { DeploymentObservation } from '../deployment/port.ts';
import { GitError } from '../git/errors.ts';
import type { CommitInfo, GitRepository } from '../git/port.ts';
import type { OpenRepository } from './preview.ts';
import { applicationBranch, applicationFolder, buildWorld, repoPath } from './world.ts';
import { eachLimited } from '../concurrency.ts';

/** One application's version and the last change to its folder. */
export interface ApplicationVersion {
  application: string;
  environment: string;
  /** The value at the template's versionSource, or undefined with `reason`. */
  version?: string;
  reason?: string;
  branch: string;
  /** Tip of the branch when read. */
  commit?: string;
  /** The newest commit that touched the application folder. */
  lastChange?: CommitInfo;
  /**
   * What the GitOps agent reports, for an application it deploys (`spec.argocd` with the server's
   * `argocd` settings): sync, health, the revision it compared with, and its message. Sync and
   * health are Unknown, with the reason as message, when the agent could not be asked. Absent for
   * an application deployed from Git alone: its version is all that is known.
   */
  deployment?: DeploymentObservation;
}

/** An application whose deployment the versions ask the agent about. */
export interface DeployedApplication {
  /** Stagecoach Application name. */
  application: string;
  /** `spec.source.repoURL`: picks the revision of a multi-source Argo CD application. */
  repoURL: string;
  /** `spec.argocd`: the Argo CD application, and its namespace when not Argo CD's own. */
  argocd: { name: string; namespace?: string };
}

/**
 * What a GitOps agent reports for many applications at once (one request to it, not one per
 * application). `observe` answers one observation per application, by application name, and does
 * not reject when the agent cannot be asked: each application then gets Unknown sync and health
 * with the reason as message.
 */
export interface DeploymentOverview {
  observe(applications: readonly DeployedApplication[]): Promise<ReadonlyMap<string, DeploymentObservation>>;
}

export interface ProductVersions {
  product: string;
  /** One entry per environment that holds applications of the product, in environment order. */
  environments: { environment: string; applications: ApplicationVersion[] }[];
}

/** Bounded memo: values read at a commit never change, so they are kept until evicted. */
class Memo<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly limit: number) {}

  /** The value, marked as recently used. */
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  /** The value, leaving the order of use alone. */
  peek(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value!);
  }
}

/** What reading a version gave: the version, or why there is none. */
type VersionRead = { version: string } | { reason: string };

/** One application to read, with what its read needs. */
interface Wanted {
  app: Application;
  branch: string;
  folder: string;
  source: VersionSource | undefined;
}

/** Repositories read at the same time; the rest wait their turn. */
const PARALLEL_REPOSITORIES = 8;

/**
 * Reads each application's version at the tip of its branch, cached by commit, and the sync and
 * health of those the agent deploys.
 *
 * Applications are read together: per repository and branch one fetch, and per commit one
 * history walk for the last changes of all their folders and one batch of file reads, whatever
 * the number of applications; the agent is asked once for all of them, during the reads.
 */
export class VersionService {
  /** Version or reason by repository, commit, folder, file and JSONPath. */
  private readonly versions = new Memo<VersionRead>(20_000);
  /** Last change of each folder asked about so far, by repository and commit. */
  private readonly changes = new Memo<Map<string, CommitInfo | undefined>>(200);
  /** Walks under way, by repository and commit: a second caller waits, then walks only what is left. */
  private readonly walking = new Map<string, Promise<unknown>>();

  /** `deployments`: where applications with `spec.argocd` get their sync and health; without it they get none. */
  constructor(
    private readonly open: OpenRepository,
    private readonly deployments?: DeploymentOverview,
  ) {}

  async productVersions(resources: readonly Resource[], productName: string): Promise<Result<ProductVersions>> {
    const read = await this.manyVersions(resources, [productName]);
    return read.ok ? ok(read.value[0]!) : read;
  }

  /**
   * The versions of the named products (every product when `names` is undefined), ordered by
   * product name. Any unknown name fails the whole call with `not_found`, naming each.
   */
  async manyVersions(resources: readonly Resource[], names?: readonly string[]): Promise<Result<ProductVersions[]>> {
    const world = buildWorld(resources);
    const chosen = [...new Set(names ?? world.products.keys())].sort();
    const unknown = chosen.filter((name) => !world.products.has(name));
    if (unknown.length > 0) {
      const listed = unknown.map((name) => `"${name}"`).join(', ');
      return fail(
        'not_found',
        unknown.length === 1 ? `Product ${listed} not found` : `Products ${listed} not found`,
        unknown.map((name) => error('unknown-reference', 'product', `product "${name}" does not exist`)),
      );
    }

    const byProduct = new Map(chosen.map((name) => [name, [] as Wanted[]]));
    const byRepository = new Map<string, Wanted[]>();
    for (const app of world.applications) {
      const list = byProduct.get(app.spec.product);
      if (list === undefined) continue;
      const { template } = resolvePromotionTemplate({ product: world.products.get(app.spec.product)!, application: app, templates: world.templates });
      const wanted: Wanted = { app, branch: applicationBranch(app), folder: applicationFolder(app), source: template.versionSource };
      list.push(wanted);
      const url = app.spec.source.repoURL;
      const same = byRepository.get(url);
      if (same === undefined) byRepository.set(url, [wanted]);
      else same.push(wanted);
    }

    // The agent is asked while the repositories are read.
    const deployed = [...byProduct.values()].flat().flatMap(({ app }): DeployedApplication[] =>
      app.spec.argocd ? [{ application: app.metadata.name, repoURL: app.spec.source.repoURL, argocd: app.spec.argocd }] : [],
    );
    const observing = this.deployments !== undefined && deployed.length > 0 ? this.deployments.observe(deployed) : undefined;
    const read = new Map<Wanted, ApplicationVersion>();
    await eachLimited([...byRepository], PARALLEL_REPOSITORIES, async ([url, all]) => {
      for (const [wanted, version] of await this.readRepository(url, all)) read.set(wanted, version);
    });

    const observed = observing === undefined ? undefined : await observing;
    const withDeployment = (w: Wanted): ApplicationVersion => {
      const deployment = observed?.get(w.app.metadata.name);
      return deployment === undefined ? read.get(w)! : { ...read.get(w)!, deployment };
    };
    const envOrder = (name: string) => world.environments.get(name)?.spec.order ?? Number.MAX_SAFE_INTEGER;
    return ok(
      chosen.map((product) => {
        const apps = byProduct.get(product)!;
        const envs = [...new Set(apps.map((w) => w.app.spec.environment))].sort((a, b) => envOrder(a) - envOrder(b) || (a < b ? -1 : 1));
        return {
          product,
          environments: envs.map((environment) => ({
            environment,
            applications: apps
              .filter((w) => w.app.spec.environment === environment)
              .sort((a, b) => (a.app.metadata.name < b.app.metadata.name ? -1 : 1))
              .map(withDeployment),
          })),
        };
      }),
    );
  }

  /** Every application of one repository: one branch resolution per branch, then a batch per commit. */
  private async readRepository(url: string, all: readonly Wanted[]): Promise<Map<Wanted, ApplicationVersion>> {
    const out = new Map<Wanted, ApplicationVersion>();
    const failed = (list: readonly Wanted[], e: unknown) => {
      for (const w of list) out.set(w, { ...base(w), reason: (e as Error).message });
    };
    let repo: GitRepository;
    try {
      repo = await this.open(url);
    } catch (e) {
      failed(all, e);
      return out;
    }
    const byBranch = new Map<string, Wanted[]>();
    for (const w of all) {
      const list = byBranch.get(w.branch);
      if (list === undefined) byBranch.set(w.branch, [w]);
      else list.push(w);
    }
    await Promise.all(
      [...byBranch].map(async ([branch, list]) => {
        let commit: string;
        try {
          commit = await repo.resolveBranch(branch);
        } catch (e) {
          failed(list, e);
          return;
        }
        for (const [w, version] of await this.readAt(repo, url, commit, list)) out.set(w, version);
      }),
    );
    return out;
  }

  /** Applications of one commit, read together. */
  private async readAt(repo: GitRepository, url: string, commit: string, list: readonly Wanted[]): Promise<Map<Wanted, ApplicationVersion>> {
    try {
      const [changes, versions] = await Promise.all([
        this.lastChanges(repo, url, commit, [...new Set(list.map((w) => w.folder))]),
        this.readVersions(repo, url, commit, list),
      ]);
      return new Map(list.map((w, i) => [w, present(w, commit, versions[i]!, changes.get(w.folder))]));
    } catch (e) {
      // Anything but a bad folder or file name is the repository's failure, the same for all of them.
      if (!(e instanceof GitError && e.code === 'invalid-path')) return new Map(list.map((w) => [w, { ...base(w), reason: (e as Error).message }]));
      // A bad name fails a whole batch: read alone, only its applications fail.
      const one = async (w: Wanted): Promise<[Wanted, ApplicationVersion]> => {
        try {
          const [changes, [version]] = await Promise.all([this.lastChanges(repo, url, commit, [w.folder]), this.readVersions(repo, url, commit, [w])]);
          return [w, present(w, commit, version!, changes.get(w.folder))];
        } catch (e) {
          return [w, { ...base(w), reason: (e as Error).message }];
        }
      };
      return new Map(await Promise.all(list.map(one)));
    }
  }

  /** Last change of each folder at a commit: from the memo, else from one walk that stops at commits read before. */
  private async lastChanges(repo: GitRepository, url: string, commit: string, folders: readonly string[]): Promise<ReadonlyMap<string, CommitInfo | undefined>> {
    const key = `${url}\n${commit}`;
    for (let earlier = this.walking.get(key); earlier !== undefined; earlier = this.walking.get(key)) await earlier.catch(() => undefined);
    let known = this.changes.get(key);
    if (known === undefined) {
      known = new Map();
      this.changes.set(key, known);
    }
    const missing = folders.filter((f) => !known.has(f));
    if (missing.length === 0) return known;
    const walk = repo.lastChanges(commit, missing, { known: (at) => this.changes.peek(`${url}\n${at}`) });
    this.walking.set(key, walk);
    try {
      for (const [folder, change] of await walk) known.set(folder, change);
    } finally {
      this.walking.delete(key);
    }
    return known;
  }

  /** The version of each application at a commit, in order: from the memo, else from one batch of file reads. */
  private async readVersions(repo: GitRepository, url: string, commit: string, list: readonly Wanted[]): Promise<VersionRead[]> {
    const keys = list.map((w) => (w.source ? `${url}\n${commit}\n${w.folder}\n${w.source.file}\n${w.source.jsonPath}` : ''));
    const reads: (VersionRead | undefined)[] = list.map((w, i) => (w.source ? this.versions.get(keys[i]!) : { reason: 'the product has no versionSource' }));
    const paths = [...new Set(list.flatMap((w, i) => (reads[i] === undefined ? [repoPath(w.folder, w.source!.file)] : [])))];
    if (paths.length === 0) return reads as VersionRead[];
    const texts = await repo.readFiles(commit, paths);
    return list.map((w, i) => {
      if (reads[i] !== undefined) return reads[i];
      const { file, jsonPath } = w.source!;
      const text = texts.get(repoPath(w.folder, file));
      let read: VersionRead;
      if (text === undefined) read = { reason: `file "${file}" not found in ${w.folder || 'the repository root'}` };
      else {
        const parsed = readVersion(text, file, jsonPath);
        read = parsed.ok ? { version: parsed.version } : { reason: parsed.reason };
      }
      this.versions.set(keys[i]!, read);
      return read;
    });
  }
}

function base(w: Wanted): ApplicationVersion {
  return { application: w.app.metadata.name, environment: w.app.spec.environment, branch: w.branch };
}

function present(w: Wanted, commit: string, version: VersionRead, lastChange: CommitInfo | undefined): ApplicationVersion {
  return { ...base(w), ...version, commit, ...(lastChange ? { lastChange } : {}) };
}

