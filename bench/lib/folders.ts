import { join } from 'node:path';
import { fixtureGit } from '../../packages/server/src/testing/git-fixtures.ts';
import { BRANCH, FastImportStream, chartYaml, valuesYaml } from './repos.ts';

/**
 * Repositories made of application folders, for the benchmarks that run whole releases: each
 * folder holds the `Chart.yaml` and `values.yaml` of `lib/repos.ts` (so the baselines' `sed`
 * and `readVersions` work on them). They are small and made fresh in the served folder on every
 * run, not cached.
 */

/** The two files of one application folder at `version`; `environment` names its host in the values. */
export function applicationFiles(folder: string, environment: string, version: string): [string, string][] {
  return [
    [`${folder}/Chart.yaml`, chartYaml(version)],
    [`${folder}/values.yaml`, valuesYaml(environment, version)],
  ];
}

/**
 * A bare repository `<root>/<name>` whose `main` has one commit holding `files`, configured as
 * `serveCopy` configures a served copy (no housekeeping on push). Returns its path.
 */
export async function createServedRepository(root: string, name: string, files: readonly (readonly [string, string])[]): Promise<string> {
  const path = join(root, name);
  await fixtureGit(['init', '--bare', '--quiet', `--initial-branch=${BRANCH}`, path]);
  await fixtureGit(['config', 'receive.autogc', 'false'], { gitDir: path });
  await fixtureGit(['config', 'gc.auto', '0'], { gitDir: path });
  const stream = new FastImportStream();
  stream.commit(`refs/heads/${BRANCH}`, Math.floor(Date.now() / 1000), 'Add the applications\n', undefined, [
    ['README.md', '# Deployments\n\nOne folder per application and environment.\n'],
    ...files,
  ]);
  await fixtureGit(['fast-import', '--quiet', '--done'], { gitDir: path, input: stream.end() });
  return path;
}

/**
 * One commit on `main` of the served repository changing `files`, straight into the repository
 * (as a developer's push would land). Returns the new tip.
 */
export async function commitToMain(gitDir: string, message: string, files: readonly (readonly [string, string])[]): Promise<string> {
  const stream = new FastImportStream();
  stream.commit(`refs/heads/${BRANCH}`, Math.floor(Date.now() / 1000), `${message}\n`, `refs/heads/${BRANCH}^0`, files);
  await fixtureGit(['fast-import', '--quiet', '--done'], { gitDir, input: stream.end() });
  return (await fixtureGit(['rev-parse', BRANCH], { gitDir })).stdout.toString().trim();
}
