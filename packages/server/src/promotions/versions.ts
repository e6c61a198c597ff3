import { readVersion, resolvePromotionTemplate, type Resource } from '@stagecoach/core';
import { fail, ok, type Result } from '../errors.ts';
import type { CommitInfo } from '../git/port.ts';
import type { OpenRepository } from './preview.ts';
import { applicationBranch, applicationFolder, buildWorld, repoPath } from './world.ts';

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
  async get(key: string, load: () => Promise<V>): Promise<V> {
    if (this.map.has(key)) {
      const value = this.map.get(key)!;
      this.map.delete(key);
      this.map.set(key, value);
      return value;
    }
    const value = await load();
    this.map.set(key, value);
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value!);
    return value;
  }
}

/** Reads each application's version at the tip of its branch, cached by commit. */
export class VersionService {
  private readonly versions = new Memo<{ version?: string; reason?: string }>(5000);
  private readonly changes = new Memo<CommitInfo | undefined>(5000);

  constructor(private readonly open: OpenRepository) {}

  async productVersions(resources: readonly Resource[], productName: string): Promise<Result<ProductVersions>> {
    const world = buildWorld(resources);
    const product = world.products.get(productName);
    if (!product) return fail('not_found', `Product "${productName}" not found`);
    const apps = world.applications.filter((a) => a.spec.product === productName);
    const envOrder = (name: string) => world.environments.get(name)?.spec.order ?? Number.MAX_SAFE_INTEGER;
    const envs = [...new Set(apps.map((a) => a.spec.environment))].sort((a, b) => envOrder(a) - envOrder(b) || (a < b ? -1 : 1));

    const read = async (app: (typeof apps)[number]): Promise<ApplicationVersion> => {
      const branch = applicationBranch(app);
      const base: ApplicationVersion = { application: app.metadata.name, environment: app.spec.environment, branch };
      const { template } = resolvePromotionTemplate({ product, application: app, templates: world.templates });
      try {
        const repo = await this.open(app.spec.source.repoURL);
        const commit = await repo.resolveBranch(branch);
        const folder = applicationFolder(app);
        const key = `${app.spec.source.repoURL}\n${commit}\n${folder}`;
        const lastChange = await this.changes.get(key, () => repo.lastChange(commit, folder));
        const source = template.versionSource;
        const version = source
          ? await this.versions.get(`${key}\n${source.file}\n${source.jsonPath}`, async () => {
              const text = await repo.readFile(commit, repoPath(folder, source.file));
              if (text === undefined) return { reason: `file "${source.file}" not found in ${folder || 'the repository root'}` };
              const read = readVersion(text, source.file, source.jsonPath);
              return read.ok ? { version: read.version } : { reason: read.reason };
            })
          : { reason: 'the product has no versionSource' };
        return { ...base, ...version, commit, ...(lastChange ? { lastChange } : {}) };
      } catch (e) {
        return { ...base, reason: (e as Error).message };
      }
    };

    const environments = [];
    for (const environment of envs) {
      const inEnv = apps.filter((a) => a.spec.environment === environment).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
      environments.push({ environment, applications: await Promise.all(inEnv.map(read)) });
    }
    return ok({ product: productName, environments });
  }
}
