import {
  error,
  hasErrors,
  resolvePolicy,
  resolvePromotionTemplate,
  type Application,
  type FileChange,
  type InlinePolicySettings,
  type Problem,
  type ResolvedPolicy,
  type Resource,
} from '@stagecoach/core';
import { fail, ok, type Result } from '../errors.ts';
import type { GitRepository } from '../git/port.ts';
import { planFolders } from './plan.ts';
import { applicationBranch, applicationFolder, applicationsIn, buildWorld, type World } from './world.ts';

export interface PreviewRequest {
  product: string;
  /** Source environment. */
  from: string;
  /** Target environment. */
  to: string;
  /** The source application, when the product has several in the source environment. */
  application?: string;
  /** Pin the source to this commit instead of its branch tip (a release's trigger commit). */
  sourceCommit?: string;
  /** Settings the person edits in the preview; they override the policies field by field, a null workflow removes theirs. */
  inline?: InlinePolicySettings;
}

export interface FolderRef {
  application: string;
  repoURL: string;
  branch: string;
  path: string;
  commit: string;
}

/** What a promotion would change in one target application. */
export interface ApplicationChangeSet {
  application: string;
  source: FolderRef;
  target: FolderRef;
  /** Which promotion template(s) decided the files: `inline` or template names. */
  templates: string[];
  files: FileChange[];
  /** True when the target already holds the source's values. */
  noChange: boolean;
  problems: Problem[];
}

export interface Preview {
  product: string;
  from: string;
  to: string;
  changeSets: ApplicationChangeSet[];
  policy: ResolvedPolicy;
}

/** Opens a repository through the cache, with its credentials. */
export type OpenRepository = (repoURL: string) => Promise<GitRepository>;

/** Picks the source application of a promotion; refuses a guess when there are several. */
export function pickSource(world: World, request: PreviewRequest): Result<Application> {
  const candidates = applicationsIn(world, request.product, request.from);
  if (request.application) {
    const chosen = candidates.find((a) => a.metadata.name === request.application);
    if (!chosen) {
      return fail('validation_failed', `application "${request.application}" is not an application of product "${request.product}" in environment "${request.from}"`, [
        error('unknown-reference', 'application', `expected one of: ${candidates.map((a) => a.metadata.name).join(', ') || 'none'}`),
      ]);
    }
    return ok(chosen);
  }
  if (candidates.length === 0) {
    return fail('validation_failed', `product "${request.product}" has no application in environment "${request.from}"`, [
      error('missing-application', 'from', `no application of product "${request.product}" in "${request.from}"`),
    ]);
  }
  if (candidates.length > 1) {
    return fail('validation_failed', `product "${request.product}" has ${candidates.length} applications in "${request.from}"; choose the source with "application" (--app on the command line)`, [
      error('ambiguous-source', 'application', `one of: ${candidates.map((a) => a.metadata.name).join(', ')}`),
    ]);
  }
  return ok(candidates[0]!);
}

/** Checks the request against the stored resources; the failure names what is unknown. */
export function checkRequest(world: World, request: PreviewRequest): Result<void> {
  const problems: Problem[] = [];
  if (!world.products.has(request.product)) problems.push(error('unknown-reference', 'product', `unknown product "${request.product}"`));
  if (!world.environments.has(request.from)) problems.push(error('unknown-reference', 'from', `unknown environment "${request.from}"`));
  if (!world.environments.has(request.to)) problems.push(error('unknown-reference', 'to', `unknown environment "${request.to}"`));
  if (request.from === request.to) problems.push(error('same-environment', 'to', 'source and target environments must differ'));
  if (problems.length > 0) return fail('validation_failed', problems.map((p) => p.message).join('; '), problems);
  return ok(undefined);
}

/**
 * The change set a promotion would make in every target application, and the resolved policy,
 * without writing anything.
 */
export async function previewPromotion(resources: readonly Resource[], open: OpenRepository, request: PreviewRequest): Promise<Result<Preview>> {
  const world = buildWorld(resources);
  const checked = checkRequest(world, request);
  if (!checked.ok) return checked;
  const picked = pickSource(world, request);
  if (!picked.ok) return picked;
  const source = picked.value;
  const product = world.products.get(request.product)!;
  const targets = applicationsIn(world, request.product, request.to);
  if (targets.length === 0) {
    return fail('validation_failed', `product "${request.product}" has no application in environment "${request.to}"`, [
      error('missing-application', 'to', `no application of product "${request.product}" in "${request.to}"`),
    ]);
  }

  // One look at the remote per repository and branch, however many applications share them.
  const tips = new Map<string, Promise<string>>();
  const tipOf = (repo: GitRepository, branch: string): Promise<string> => {
    const key = `${repo.url}\n${branch}`;
    if (!tips.has(key)) tips.set(key, repo.resolveBranch(branch));
    return tips.get(key)!;
  };
  const sourceRepo = await open(source.spec.source.repoURL);
  const sourceBranch = applicationBranch(source);
  const sourceCommit = request.sourceCommit ?? (await tipOf(sourceRepo, sourceBranch));
  const sourceRef: FolderRef = {
    application: source.metadata.name,
    repoURL: source.spec.source.repoURL,
    branch: sourceBranch,
    path: applicationFolder(source),
    commit: sourceCommit,
  };

  const changeSets: ApplicationChangeSet[] = [];
  for (const target of targets) {
    const resolved = resolvePromotionTemplate({ product, application: target, templates: world.templates });
    const targetRepo = await open(target.spec.source.repoURL);
    const branch = applicationBranch(target);
    const commit = await tipOf(targetRepo, branch);
    const targetRef: FolderRef = { application: target.metadata.name, repoURL: target.spec.source.repoURL, branch, path: applicationFolder(target), commit };
    const problems = [...resolved.problems];
    let files: FileChange[] = [];
    if (!hasErrors(problems)) {
      const planned = await planFolders(
        { repo: sourceRepo, commit: sourceCommit, folder: sourceRef.path },
        { repo: targetRepo, commit, folder: targetRef.path },
        resolved.template.promotion,
      );
      files = planned.files;
      problems.push(...planned.problems);
    }
    changeSets.push({
      application: target.metadata.name,
      source: sourceRef,
      target: targetRef,
      templates: resolved.sources,
      files,
      noChange: files.length === 0 && !hasErrors(problems),
      problems,
    });
  }

  const environment = world.environments.get(request.to)!;
  const policy = resolvePolicy({
    product: request.product,
    environment: { name: environment.metadata.name, kind: environment.spec.kind },
    policies: world.policies,
    ...(request.inline ? { inline: request.inline, inlineSource: 'preview' } : {}),
  });
  return ok({ product: request.product, from: request.from, to: request.to, changeSets, policy });
}
