import { error } from '@stagecoach/core';
import { fail, ok, type Result } from '../errors.ts';
import { GitError } from '../git/errors.ts';
import { GitProviderError } from '../git/providers.ts';
import type { ResourceService } from '../resources/service.ts';
import { previewPromotion, type OpenRepository, type Preview, type PreviewRequest } from './preview.ts';
import { VersionService, type ProductVersions } from './versions.ts';

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

  constructor(
    private readonly resources: ResourceService,
    private readonly open: OpenRepository,
  ) {
    this.versionService = new VersionService(open);
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
