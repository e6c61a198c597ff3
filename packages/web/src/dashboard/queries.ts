import { apiGet } from '../api.ts';
import type { ActiveRelease, ProductVersions } from './versions.ts';

/** Each application's version of a product, per environment, at the tip of its branch. */
export function getProductVersions(product: string, signal?: AbortSignal): Promise<ProductVersions> {
  return apiGet<ProductVersions>(`/api/v1/products/${encodeURIComponent(product)}/versions`, signal);
}

/** Releases that may be promoting right now (Running or Suspended), newest first, at most 200. */
export async function listActiveReleases(signal?: AbortSignal): Promise<ActiveRelease[]> {
  const list = await apiGet<{ items: ActiveRelease[] }>('/api/v1/releases?status=Running,Suspended&limit=200', signal);
  return list.items;
}
