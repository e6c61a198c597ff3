import { error, formatProblem, validateResources, type Product } from '@stagecoach/core';
import { fail, ok, type Result } from '../errors.ts';
import { GitError } from '../git/errors.ts';
import { GitProviderError } from '../git/providers.ts';
import type { ResourceService } from '../resources/service.ts';
import { previewPromotion, type OpenRepository, type Preview, type PreviewRequest } from './preview.ts';
import { VersionService, type DeploymentOverview, type ProductVersions } from './versions.ts';

/** Git failures as API failures: what people must fix is a 422, what is down or refused a 502. */
export function gitFailure<T>(e: unknown): Result<T> {
  if (e instanceof GitError) {
    const yours = e.code === 'branch-not-found' || e.code === 'repository-not-found' || e.code === 'invalid-ref' || e.code === 'invalid-path';
    return fail(yours ? 'validation_failed' : 'git_unavailable', e.message, [error(e.code, '', e.message)]);
  }
  if (e instanceof GitProviderError) return fail('git_unavailable', e.message, [error(e.code, '', e.message)]);
  throw e;
}

/** Read-only promotion queries: the change a promotion would make, and every application's version. */
export class PromotionService {
  private readonly versionService: VersionService;

  /** `deployments`: sync and health for the versions of applications Argo CD deploys. */
  constructor(
    private readonly resources: ResourceService,
    private readonly open: OpenRepository,
    deployments?: DeploymentOverview,
  ) {
    this.versionService = new VersionService(open, deployments);
  }

  async preview(request: PreviewRequest): Promise<Result<Preview>> {
    try {
      return await previewPromotion(await this.resources.all(), this.open, request);
    } catch (e) {
      return gitFailure(e);
    }
  }

  async versions(product: string): Promise<Result<ProductVersions>> {
    try {
      return await this.versionService.productVersions(await this.resources.all(), product);
    } catch (e) {
      return gitFailure(e);
    }
  }

  /**
   * The versions `product` would give if it replaced the stored product of its name: every other
   * stored resource as it is, nothing written. Unknown product: `not_found`. Settings a replace
   * would refuse (a template name that does not exist, a flow listed twice): `validation_failed`
   * with every problem, from the same cross-resource check the writes make.
   */
  async versionsWith(product: Product): Promise<Result<ProductVersions>> {
    const { name } = product.metadata;
    const stored = await this.resources.all();
    const isThis = (kind: string | undefined, other: string | undefined) => kind === 'Product' && other === name;
    if (!stored.some((r) => isThis(r.kind, r.metadata.name))) {
      return fail('not_found', `Product "${name}" not found`, [error('not-found', 'metadata.name', 'no resource with this name exists', { kind: 'Product', name })]);
    }
    const resources = [...stored.filter((r) => !isThis(r.kind, r.metadata.name)), product];
    // Only the product's own problems count, as when it is written alone.
    const problems = validateResources(resources, (r) => (r === product ? { document: 1 } : {})).filter((p) => p.severity === 'error' && isThis(p.kind, p.name));
    if (problems.length > 0) {
      const message = problems.length === 1 ? formatProblem(problems[0]!) : `${problems.length} problems, the first: ${formatProblem(problems[0]!)}`;
      return fail('validation_failed', message, problems);
    }
    try {
      return await this.versionService.productVersions(resources, name);
    } catch (e) {
      return gitFailure(e);
    }
  }

  /** Versions of many products in one read (all of them when `products` is undefined), by product name. */
  async manyVersions(products?: readonly string[]): Promise<Result<{ items: ProductVersions[] }>> {
    try {
      const read = await this.versionService.manyVersions(await this.resources.all(), products);
      return read.ok ? ok({ items: read.value }) : read;
    } catch (e) {
      return gitFailure(e);
    }
  }
}
