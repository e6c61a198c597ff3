import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtureGit } from '../../packages/server/src/testing/git-fixtures.ts';

/**
 * The repositories the benchmarks promote in, generated with `git fast-import` (a whole history in
 * one stream, seconds even for 50,000 files) and kept under `bench/.cache/` so later runs reuse
 * them. A run never writes to a cached repository: it serves a `clone --bare` of it (hard links).
 *
 * Every repository has the layout of one application in two environments on branch `main`:
 * `envs/dev/{Chart.yaml,values.yaml}` and `envs/qa/{Chart.yaml,values.yaml}`, a README, and
 * `files` other YAML files spread over `folders` folders (`svc-000/file-00.yaml`, ...).
 */
export interface RepoSpec {
  /** Names the cached repository: `bench/.cache/<name>-<hash of the spec>.git`. */
  name: string;
  /** Files besides the application's four and the README. */
  files: number;
  /** Folders those files are spread over, evenly. */
  folders: number;
  /** Commits on `main`: one making the application, some touching a few files, the last ones adding the bulk of the tree. */
  commits: number;
}

/** Bumped whenever the generated content changes, so cached repositories of older runs are not reused. */
const GENERATOR_VERSION = 1;
/** Files added by one of the final bulk commits. */
const FILES_PER_BULK_COMMIT = 5_000;
/** Files changed by each history commit. */
const FILES_PER_HISTORY_COMMIT = 3;
/** Commit time of the first generated commit (2023-11-14), in seconds; each next one is a minute later. */
const EPOCH = 1_700_000_000;

export const APPLICATION_FOLDERS = { dev: 'envs/dev', qa: 'envs/qa' } as const;
export const BRANCH = 'main';

/** The chart of one environment at an application version. */
export function chartYaml(version: string): string {
  return ['apiVersion: v2', 'name: shop', 'description: The shop storefront', 'type: application', 'version: 0.1.0', `appVersion: "${version}"`, ''].join('\n');
}

/**
 * The Helm values of one environment at an image tag. `image.tag` is the only line starting
 * with two spaces and `tag:`, so the baseline's `sed` edits exactly that property.
 */
export function valuesYaml(environment: string, tag: string): string {
  return [
    'replicaCount: 2',
    'image:',
    '  repository: registry.example/shop/storefront',
    `  tag: "${tag}"`,
    '  pullPolicy: IfNotPresent',
    'service:',
    '  type: ClusterIP',
    '  port: 8080',
    'ingress:',
    '  enabled: true',
    `  host: shop.${environment}.example`,
    'resources:',
    '  limits:',
    '    cpu: 500m',
    '    memory: 256Mi',
    'env:',
    '  - name: LOG_LEVEL',
    '    value: info',
    '',
  ].join('\n');
}

/** The application's version in one environment folder at `rev`: `appVersion` of the chart and `image.tag` of the values. */
export async function readVersions(gitDir: string, rev: string, folder: string): Promise<{ appVersion?: string; tag?: string }> {
  const { stdout } = await fixtureGit(['cat-file', '--batch'], { gitDir, input: `${rev}:${folder}/Chart.yaml\n${rev}:${folder}/values.yaml\n` });
  const text = stdout.toString('utf8');
  const appVersion = /^appVersion: "?([^"\n]*)"?$/m.exec(text)?.[1];
  const tag = /^ {2}tag: "?([^"\n]*)"?$/m.exec(text)?.[1];
  return { ...(appVersion !== undefined ? { appVersion } : {}), ...(tag !== undefined ? { tag } : {}) };
}

/** Size of a repository as the benchmarks report it. */
export interface RepoSize {
  files: number;
  commits: number;
  folders: number;
  /** Bytes of its pack files and loose objects. */
  bytes: number;
}

export async function repoSize(gitDir: string, rev = BRANCH): Promise<RepoSize> {
  const [tree, count, objects] = await Promise.all([
    fixtureGit(['ls-tree', '-r', '-t', '-z', '--full-tree', rev], { gitDir }),
    fixtureGit(['rev-list', '--count', rev], { gitDir }),
    fixtureGit(['count-objects', '-v'], { gitDir }),
  ]);
  let files = 0;
  let folders = 0;
  for (const record of tree.stdout.toString('utf8').split('\0')) {
    if (record === '') continue;
    if (record.split(' ')[1] === 'tree') folders++;
    else files++;
  }
  const kib = (key: string) => Number(new RegExp(`^${key}: (\\d+)$`, 'm').exec(objects.stdout.toString())?.[1] ?? 0);
  return { files, commits: Number(count.stdout.toString().trim()), folders, bytes: (kib('size') + kib('size-pack')) * 1024 };
}

/**
 * The path of the generated repository for `spec` under `cacheDir`, generating it first when no
 * earlier run did. Returns whether it was generated now, and how long that took (ms).
 */
export async function ensureRepository(cacheDir: string, spec: RepoSpec): Promise<{ path: string; generatedMs?: number }> {
  const key = createHash('sha256').update(JSON.stringify({ GENERATOR_VERSION, spec })).digest('hex').slice(0, 12);
  const path = join(cacheDir, `${spec.name}-${key}.git`);
  if (await exists(join(path, 'bench-complete'))) return { path };
  const started = performance.now();
  await mkdir(cacheDir, { recursive: true });
  // Built aside and renamed into place, so an interrupted build is never reused.
  const building = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fixtureGit(['init', '--bare', '--quiet', `--initial-branch=${BRANCH}`, building]);
    await fixtureGit(['fast-import', '--quiet', '--done'], { gitDir: building, input: historyStream(spec) });
    // One pack with deltas, as a hosted repository is kept.
    await fixtureGit(['repack', '-a', '-d', '-q'], { gitDir: building });
    await writeFile(join(building, 'bench-complete'), `${JSON.stringify(spec)}\n`);
    await rm(path, { recursive: true, force: true });
    await rename(building, path);
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return { path, generatedMs: performance.now() - started };
}

/**
 * A copy of a generated repository as `<root>/<name>`, for one run to push to. Housekeeping on
 * push is turned off: a hosting service runs it out of band, and a `gc` started by one measured
 * push would land in the next measurement.
 */
export async function serveCopy(template: string, root: string, name: string): Promise<string> {
  const path = join(root, name);
  await fixtureGit(['clone', '--bare', '--quiet', template, path]);
  await fixtureGit(['config', 'receive.autogc', 'false'], { gitDir: path });
  await fixtureGit(['config', 'gc.auto', '0'], { gitDir: path });
  await fixtureGit(['remote', 'remove', 'origin'], { gitDir: path });
  return path;
}

/**
 * Commits a new application version to the dev folder of `main`, straight into the served
 * repository (as a developer's push would land), by `fast-import` on top of the current tip.
 * Returns the new tip.
 */
export async function commitDevVersion(gitDir: string, version: string): Promise<string> {
  const stream = new FastImportStream();
  stream.commit(`refs/heads/${BRANCH}`, Math.floor(Date.now() / 1000), `Build ${version} in dev\n`, `refs/heads/${BRANCH}^0`, [
    [`${APPLICATION_FOLDERS.dev}/Chart.yaml`, chartYaml(version)],
    [`${APPLICATION_FOLDERS.dev}/values.yaml`, valuesYaml('dev', version)],
  ]);
  await fixtureGit(['fast-import', '--quiet', '--done'], { gitDir, input: stream.end() });
  return (await fixtureGit(['rev-parse', BRANCH], { gitDir })).stdout.toString().trim();
}

// --- generation ----------------------------------------------------------------------------------

function serviceFile(folder: number, file: number, revision: string): string {
  const service = `svc-${String(folder).padStart(3, '0')}`;
  return [
    `# ${service}/file-${String(file).padStart(2, '0')}.yaml`,
    `service: ${service}`,
    `component: component-${file}`,
    `revision: ${revision}`,
    'settings:',
    `  replicas: ${(folder + file) % 5 + 1}`,
    '  timeoutSeconds: 30',
    `  featureFlags: [search, checkout-v${file % 3}]`,
    '',
  ].join('\n');
}

function servicePath(spec: RepoSpec, index: number): { path: string; folder: number; file: number } {
  const perFolder = Math.ceil(spec.files / spec.folders);
  const folder = Math.floor(index / perFolder);
  const file = index % perFolder;
  const width = String(perFolder - 1).length < 2 ? 2 : String(perFolder - 1).length;
  return { path: `svc-${String(folder).padStart(3, '0')}/file-${String(file).padStart(width, '0')}.yaml`, folder, file };
}

/** The whole history of `spec` as a fast-import stream. */
function historyStream(spec: RepoSpec): Buffer {
  const bulk = Math.max(1, Math.ceil(spec.files / FILES_PER_BULK_COMMIT));
  const history = spec.commits - 1 - bulk;
  if (history < 0) throw new RangeError(`repository "${spec.name}": ${spec.commits} commits cannot hold the first commit and ${bulk} bulk commits`);
  const stream = new FastImportStream();
  const ref = `refs/heads/${BRANCH}`;
  let n = 0;
  stream.commit(ref, EPOCH + 60 * n++, 'Add the shop application in dev and qa\n', undefined, [
    ['README.md', '# Deployments\n\nOne folder per service; `envs/<environment>` holds the shop application.\n'],
    [`${APPLICATION_FOLDERS.dev}/Chart.yaml`, chartYaml('1.0.0')],
    [`${APPLICATION_FOLDERS.dev}/values.yaml`, valuesYaml('dev', '1.0.0')],
    [`${APPLICATION_FOLDERS.qa}/Chart.yaml`, chartYaml('1.0.0')],
    [`${APPLICATION_FOLDERS.qa}/values.yaml`, valuesYaml('qa', '1.0.0')],
  ]);
  for (let i = 0; i < history; i++) {
    const files: [string, string][] = [];
    for (let k = 0; k < FILES_PER_HISTORY_COMMIT; k++) {
      // Spread over the whole tree, deterministically.
      const at = servicePath(spec, (i * 7_919 + k * 104_729) % spec.files);
      files.push([at.path, serviceFile(at.folder, at.file, `${i}.${k}`)]);
    }
    stream.commit(ref, EPOCH + 60 * n++, `Tune ${files.map(([p]) => p).join(', ')}\n`, undefined, files);
  }
  const perBulk = Math.ceil(spec.files / bulk);
  for (let b = 0; b < bulk; b++) {
    const files: [string, string][] = [];
    for (let index = b * perBulk; index < Math.min(spec.files, (b + 1) * perBulk); index++) {
      const at = servicePath(spec, index);
      files.push([at.path, serviceFile(at.folder, at.file, 'final')]);
    }
    stream.commit(ref, EPOCH + 60 * n++, `Import services, part ${b + 1} of ${bulk}\n`, undefined, files);
  }
  return stream.end();
}

/** Builds a `git fast-import` stream; commits without `from` continue the branch within the stream. */
export class FastImportStream {
  readonly #chunks: Buffer[] = [];

  commit(ref: string, time: number, message: string, from: string | undefined, files: readonly (readonly [string, string])[]): void {
    this.#text(`commit ${ref}\ncommitter Bench <bench@example.invalid> ${time} +0000\n`);
    this.#data(message);
    if (from !== undefined) this.#text(`from ${from}\n`);
    for (const [path, content] of files) {
      this.#text(`M 100644 inline ${path}\n`);
      this.#data(content);
    }
    this.#text('\n');
  }

  end(): Buffer {
    this.#text('done\n');
    return Buffer.concat(this.#chunks);
  }

  #data(content: string): void {
    const bytes = Buffer.from(content, 'utf8');
    this.#text(`data ${bytes.length}\n`);
    this.#chunks.push(bytes, Buffer.from('\n'));
  }

  #text(text: string): void {
    this.#chunks.push(Buffer.from(text, 'utf8'));
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
