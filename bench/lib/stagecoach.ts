import {
  Application,
  Environment,
  Product,
  STAGECOACH_API_VERSION,
  formatProblem,
  hasErrors,
  type PromotionFiles,
  type Resource,
} from '@stagecoach/core';
import { commitRunner } from '../../packages/server/src/actions/commit.ts';
import type { ActionRunner } from '../../packages/server/src/actions/types.ts';
import type { GitCredentials, GitPort } from '../../packages/server/src/git/port.ts';
import { previewPromotion, type OpenRepository } from '../../packages/server/src/promotions/preview.ts';
import { APPLICATION_FOLDERS, BRANCH } from './repos.ts';

/** The two properties every benchmark promotes from dev to qa. */
export const PROMOTION: PromotionFiles = {
  'Chart.yaml': { jsonPaths: ['$.appVersion'] },
  'values.yaml': { jsonPaths: ['$.image.tag'] },
};

const PRODUCT = 'shop';
const AUTHOR = { name: 'Stagecoach Bench', email: 'bench@stagecoach.invalid' };

/** One application in dev and qa of one repository, promoted as the server does it. */
export interface StagecoachPromotion {
  readonly repoURL: string;
  /** Brings `main` into the port's cache (a first fetch, when the cache is new); returns how long it took, in milliseconds. */
  warm(): Promise<number>;
  /** Preview (plan) dev → qa, then run the `commit` action with the previewed source commit. Throws unless exactly the two files were committed. */
  promote(release: string): Promise<{ commit: string }>;
  /**
   * The `commit` action alone, from a known dev commit (a release's trigger commit), as a release
   * runs it after its preview. Throws unless exactly the two files were committed.
   */
  commit(release: string, sourceCommit: string): Promise<{ commit: string }>;
}

/**
 * The resources of the shop product with its applications in `repoURL`, and a promotion through
 * `previewPromotion` and `commitRunner` over `port` (one long-lived port, as in the server).
 */
export function stagecoachPromotion(port: GitPort, repoURL: string, credentials: GitCredentials): StagecoachPromotion {
  const open: OpenRepository = (url) => port.open({ url, credentials });
  const resources = shopResources(repoURL);
  const runner: ActionRunner = commitRunner(open);
  const commit = async (release: string, sourceCommit: string) => {
    const outcome = await runner.run({
      release,
      product: PRODUCT,
      environment: 'qa',
      application: { name: `${PRODUCT}-qa`, repoURL, branch: BRANCH, folder: APPLICATION_FOLDERS.qa },
      source: { repoURL, branch: 'main', commit: sourceCommit, folder: APPLICATION_FOLDERS.dev },
      promotion: PROMOTION,
      author: AUTHOR,
      now: new Date(),
    });
    if (outcome.status !== 'succeeded' || outcome.commit === undefined || outcome.files.length !== 2) {
      throw new Error(`commit action on ${repoURL} did not commit the two files: ${JSON.stringify(outcome)}`);
    }
    return { commit: outcome.commit.sha };
  };
  return {
    repoURL,
    async warm() {
      const started = performance.now();
      await (await open(repoURL)).resolveBranch(BRANCH);
      return performance.now() - started;
    },
    async promote(release) {
      const preview = await previewPromotion(resources, open, { product: PRODUCT, from: 'dev', to: 'qa' });
      if (!preview.ok) throw new Error(`preview of ${repoURL} failed: ${preview.error.message}`);
      const [changeSet] = preview.value.changeSets;
      if (changeSet === undefined || hasErrors(changeSet.problems)) {
        throw new Error(`preview of ${repoURL}: ${changeSet?.problems.map(formatProblem).join('; ') ?? 'no change set'}`);
      }
      if (changeSet.files.length !== 2) throw new Error(`preview of ${repoURL} changes ${changeSet.files.length} files, expected 2`);
      return commit(release, changeSet.source.commit);
    },
    commit,
  };
}

function shopResources(repoURL: string): Resource[] {
  const metadata = (name: string) => ({ name });
  const application = (environment: keyof typeof APPLICATION_FOLDERS) =>
    Application.parse({
      apiVersion: STAGECOACH_API_VERSION,
      kind: 'Application',
      metadata: metadata(`${PRODUCT}-${environment}`),
      spec: { product: PRODUCT, environment, source: { repoURL, targetRevision: BRANCH, path: APPLICATION_FOLDERS[environment] } },
    });
  return [
    Environment.parse({ apiVersion: STAGECOACH_API_VERSION, kind: 'Environment', metadata: metadata('dev'), spec: { kind: 'non-production' } }),
    Environment.parse({ apiVersion: STAGECOACH_API_VERSION, kind: 'Environment', metadata: metadata('qa'), spec: { kind: 'non-production' } }),
    Product.parse({ apiVersion: STAGECOACH_API_VERSION, kind: 'Product', metadata: metadata(PRODUCT), spec: { promotionTemplate: { promotion: PROMOTION } } }),
    application('dev'),
    application('qa'),
  ];
}
