import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LoadedResource } from '@stagecoach/core';
import { DEMO_PRODUCTS, replayHistory, type DemoProduct } from './catalogue.ts';
import { DEMO_BRANCH, DemoGitError, branchHead, git, identity } from './git.ts';
import { DEFAULT_EXAMPLES_DIR, demoResources, loadExamples } from './resources.ts';
import { exists } from '../files.ts';

/** Where the demo repositories live, relative to the data dir. Applications may read them. */
export const DEMO_REPOS_DIR = join('demo', 'repos');

/** The bare repository of a demo product: `<dataDir>/demo/repos/<product>.git`, absolute. */
export function demoRepositoryPath(dataDir: string, product: string): string {
  return join(resolve(dataDir), DEMO_REPOS_DIR, `${product}.git`);
}

/** One demo product's repository. */
export interface DemoRepository {
  product: string;
  /** Absolute path of the bare repository; the applications' `repoURL`. */
  path: string;
  /** Its one branch, `main`. */
  branch: string;
  /** The commit `main` points at. */
  head: string;
  /** Environments with a folder `envs/<environment>/`. */
  environments: readonly string[];
  /** True when this call made the repository; false when it was already there. */
  created: boolean;
}

/** What `seedDemo` prepared. */
export interface DemoWorkspace {
  /** `<dataDir>/demo/repos`, absolute. */
  reposDir: string;
  /** One per demo product, cf-101 first. */
  repositories: DemoRepository[];
  /** The resources to apply, in apply order: the examples' shared kinds, then products and applications. */
  resources: LoadedResource[];
}

/** Where to prepare the demo, and from which examples. */
export interface SeedDemoOptions {
  /** The server's data dir. */
  dataDir: string;
  /** Folder of the example resources; default the repository's `examples/`. */
  examplesDir?: string;
}

/** fast-import's `data` command: the exact byte count, then the bytes. */
function data(text: string): string {
  return `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`;
}

/** The fast-import stream of a product's whole history on `main`: each commit lists only the files it changes. */
function historyStream(product: DemoProduct): string {
  let stream = '';
  let previous = new Map<string, string>();
  for (const { change, files } of replayHistory(product)) {
    const who = identity(change.author, change.at);
    stream += `commit refs/heads/${DEMO_BRANCH}\nauthor ${who}\ncommitter ${who}\n${data(`${change.message}\n`)}`;
    for (const [path, content] of files) {
      if (previous.get(path) !== content) stream += `M 100644 inline ${path}\n${data(content)}`;
    }
    for (const path of previous.keys()) if (!files.has(path)) stream += `D ${path}\n`;
    stream += '\n';
    previous = files;
  }
  return stream;
}

/**
 * Makes a product's repository unless it exists. It is built beside its final place and renamed
 * into it, so a stopped process never leaves a half-made repository under the final name. Dates
 * and authors are fixed, so the commits are the same on every machine.
 */
async function ensureRepository(reposDir: string, product: DemoProduct): Promise<DemoRepository> {
  const path = join(reposDir, `${product.name}.git`);
  const described = (head: string, created: boolean): DemoRepository => ({
    product: product.name,
    path,
    branch: DEMO_BRANCH,
    head,
    environments: product.environments,
    created,
  });
  if (await exists(path)) {
    const head = await branchHead(path);
    if (!head) throw new DemoGitError(`${path} has no branch ${DEMO_BRANCH}; delete the folder and start the demo again to remake it`);
    return described(head, false);
  }
  const building = join(reposDir, `.${product.name}.git.${randomBytes(4).toString('hex')}`);
  try {
    await git(building, ['init', '--quiet', '--bare', `--initial-branch=${DEMO_BRANCH}`, building]);
    await git(building, ['fast-import', '--quiet', '--done'], { input: `${historyStream(product)}done\n` });
    const head = await branchHead(building);
    if (!head) throw new DemoGitError(`fast-import made no branch ${DEMO_BRANCH} in ${building}`);
    try {
      await rename(building, path);
    } catch (e) {
      // Another start made it meanwhile: theirs is the same history, keep it.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      return described((await branchHead(path)) ?? head, false);
    }
    return described(head, true);
  } finally {
    await rm(building, { recursive: true, force: true });
  }
}

/**
 * Prepares the demo workspace in a data dir: makes the bare repositories of the demo products
 * under `<dataDir>/demo/repos/` (only those missing; existing ones, with any commits made since,
 * are kept), and returns them with the resources to apply. Broken example files throw
 * `DemoExamplesError` before anything is written; a failing git throws `DemoGitError`.
 */
export async function seedDemo(options: SeedDemoOptions): Promise<DemoWorkspace> {
  const examples = await loadExamples(options.examplesDir ?? DEFAULT_EXAMPLES_DIR);
  const reposDir = join(resolve(options.dataDir), DEMO_REPOS_DIR);
  await mkdir(reposDir, { recursive: true });
  const repositories: DemoRepository[] = [];
  for (const product of DEMO_PRODUCTS) repositories.push(await ensureRepository(reposDir, product));
  const resources = demoResources(examples, new Map(repositories.map((r) => [r.product, r.path])));
  return { reposDir, repositories, resources };
}
