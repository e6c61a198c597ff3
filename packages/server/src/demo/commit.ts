import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readVersion, setYamlValues, type ValueEdit } from '@stagecoach/core';
import { fail, ok, type Result } from '../errors.ts';
import { demoProduct } from './catalogue.ts';
import { DEMO_BRANCH, authorEnv, branchHead, git } from './git.ts';
import { demoRepositoryPath } from './seed.ts';

/** Which product and environment get a new version, and which version. */
export interface DemoCommitOptions {
  /** The server's data dir, holding `demo/repos/`. */
  dataDir: string;
  product: string;
  environment: string;
  /** The new version; default the current one with its patch number plus one (`1.4.0` → `1.4.1`). */
  version?: string;
  /** When the commit is made; default now. */
  now?: () => Date;
}

/** The commit `demoCommit` made. */
export interface DemoCommit {
  product: string;
  environment: string;
  /** The bare repository it was made in. */
  repository: string;
  branch: string;
  previousVersion: string;
  version: string;
  /** The new commit, now the tip of `main`. */
  sha: string;
  /** The commit it follows. */
  parent: string;
  message: string;
  author: { name: string; email: string };
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const VERSION = /^(v?)(\d+)\.(\d+)\.(\d+)$/;
const ANY_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** The next patch version, keeping a leading `v`; undefined for a version that is not `X.Y.Z`. */
export function nextPatch(version: string): string | undefined {
  const m = VERSION.exec(version);
  return m ? `${m[1]}${m[2]}.${m[3]}.${Number(m[4]) + 1}` : undefined;
}

/**
 * Makes a new version of a demo product in one environment, as a developer's commit would: one
 * commit on `main` of the product's demo repository setting `appVersion` and `version` in the
 * environment's `Chart.yaml` and `image.tag` in its `values.yaml`; every other byte stays as it
 * was. Works on the bare repository through plumbing and a temporary index outside the data dir
 * (no checkout), and moves `main` only if nobody moved it meanwhile (`conflict` otherwise).
 * Failures: `not_found` (no such demo repository or environment folder), `bad_request` (a version
 * that is not `X.Y.Z`, or the current one).
 */
export async function demoCommit(options: DemoCommitOptions): Promise<Result<DemoCommit>> {
  const { product: productName, environment } = options;
  const product = demoProduct(productName);
  if (!NAME.test(productName) || !product) {
    return fail('not_found', `"${productName}" is not a demo product; the demo has cf-101, billing-api and web-portal`);
  }
  const repository = demoRepositoryPath(options.dataDir, productName);
  const parent = await branchHead(repository).catch(() => undefined);
  if (!parent) return fail('not_found', `no demo repository at ${repository}; start the demo once (stagecoach demo) to make it`);
  if (!NAME.test(environment)) return fail('not_found', `product ${productName} has no environment "${environment}" in its demo repository`);

  const folder = `envs/${environment}`;
  const paths = { chart: `${folder}/Chart.yaml`, values: `${folder}/values.yaml` };
  const listed = await git(repository, ['ls-tree', '-z', parent, '--', paths.chart, paths.values]);
  const entries = new Map<string, { mode: string }>();
  for (const record of listed.stdout.split('\0').filter(Boolean)) {
    const [info, path] = record.split('\t') as [string, string];
    entries.set(path, { mode: info.split(' ')[0]! });
  }
  if (!entries.has(paths.chart) || !entries.has(paths.values)) {
    return fail('not_found', `product ${productName} has no environment "${environment}" in its demo repository (no ${paths.chart} and ${paths.values} on ${DEMO_BRANCH})`);
  }
  const read = async (path: string) => (await git(repository, ['cat-file', 'blob', `${parent}:${path}`])).stdout;
  const chart = await read(paths.chart);
  const values = await read(paths.values);

  const current = readVersion(chart, 'Chart.yaml', '$.appVersion');
  if (!current.ok) return fail('bad_request', `cannot read the current version in ${paths.chart}: ${current.reason}`);
  const previousVersion = current.version;
  const version = options.version ?? nextPatch(previousVersion);
  if (version === undefined) return fail('bad_request', `the current version "${previousVersion}" is not X.Y.Z; give the new one with --version`);
  if (!ANY_VERSION.test(version)) return fail('bad_request', `version "${version}" must look like 1.2.3 (optionally v1.2.3, 1.2.3-rc.1)`);
  if (version === previousVersion) return fail('bad_request', `${productName} in ${environment} is already at ${version}`);

  // Helm wants a SemVer chart version, without the `v` an image tag may carry.
  const chartVersion = version.replace(/^v/, '');
  const chartEdits: ValueEdit[] = [
    { path: ['version'], value: chartVersion },
    { path: ['appVersion'], value: version },
  ];
  const newChart = setYamlValues(chart, chartEdits);
  const newValues = setYamlValues(values, [{ path: ['image', 'tag'], value: version }]);
  if (!newChart.ok) return fail('bad_request', `${paths.chart}: ${newChart.message}`);
  if (!newValues.ok) return fail('bad_request', `${paths.values}: ${newValues.message}`);

  const author = product.developer;
  const message = `${environment}: ${productName} ${version}\n\nNew build ${product.image}:${version}.\n`;
  const scratch = await mkdtemp(join(tmpdir(), 'stagecoach-demo-'));
  try {
    const index = { GIT_INDEX_FILE: join(scratch, 'index') };
    const blob = async (text: string) => (await git(repository, ['hash-object', '-w', '--stdin'], { input: text })).stdout.trim();
    const chartBlob = await blob(newChart.text);
    const valuesBlob = await blob(newValues.text);
    await git(repository, ['read-tree', parent], { env: index });
    await git(
      repository,
      ['update-index', '--cacheinfo', `${entries.get(paths.chart)!.mode},${chartBlob},${paths.chart}`, '--cacheinfo', `${entries.get(paths.values)!.mode},${valuesBlob},${paths.values}`],
      { env: index },
    );
    const tree = (await git(repository, ['write-tree'], { env: index })).stdout.trim();
    const now = (options.now ?? (() => new Date()))();
    const sha = (await git(repository, ['commit-tree', tree, '-p', parent, '-F', '-'], { input: message, env: authorEnv(author, now) })).stdout.trim();
    const moved = await git(repository, ['update-ref', '-m', 'demo commit', `refs/heads/${DEMO_BRANCH}`, sha, parent], { allow: [1, 128] });
    if (moved.code !== 0) return fail('conflict', `${DEMO_BRANCH} of ${repository} moved while the commit was made; run the command again`);
    return ok({
      product: productName,
      environment,
      repository,
      branch: DEMO_BRANCH,
      previousVersion,
      version,
      sha,
      parent,
      message: message.trimEnd(),
      author: { name: author.name, email: author.email },
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
