import { apiGet } from '../api.ts';
import type { ActiveRelease, ProductVersions } from './versions.ts';

/**
 * Each application's version at the tip of its branch, per environment, for the named products
 * (every product when none is named), in product order.
 */
export async function listVersions(products: readonly string[], signal?: AbortSignal): Promise<ProductVersions[]> {
  const query = products.map((product) => `product=${encodeURIComponent(product)}`).join('&');
  const list = await apiGet<{ items: ProductVersions[] }>(`/api/v1/versions${query === '' ? '' : `?${query}`}`, signal);
  return list.items;
}

/** One product's versions (the product page). */
export function getProductVersions(product: string, signal?: AbortSignal): Promise<ProductVersions> {
  return apiGet<ProductVersions>(`/api/v1/products/${encodeURIComponent(product)}/versions`, signal);
}

/** Releases that may be promoting right now (Running or Suspended), newest first, at most 200. */
export async function listActiveReleases(signal?: AbortSignal): Promise<ActiveRelease[]> {
  const list = await apiGet<{ items: ActiveRelease[] }>('/api/v1/releases?status=Running,Suspended&limit=200', signal);
  return list.items;
}
