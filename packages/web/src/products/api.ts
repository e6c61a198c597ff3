import type { Product, PromotionTemplate } from '@stagecoach/core';
import { apiGet, apiPost, apiRequest } from '../api.ts';
import { dashboardQueryKeys } from '../dashboard/Dashboard.tsx';
import type { ProductVersions } from '../dashboard/versions.ts';
import type { ResourceList } from '../resources.ts';

/** TanStack Query keys of the product pages. */
export const productKeys = {
  one: (name: string) => ['products', 'detail', name] as const,
  latestRelease: (name: string) => ['releases', 'list', { product: name, limit: 1 }] as const,
  promotionTemplates: ['promotion-templates'] as const,
  promotionFlows: ['promotion-flows'] as const,
  /**
   * The versions a product's unsaved template would give. Under the product's versions key, so
   * the version events that refresh those refresh these too.
   */
  versionsPreview: (name: string, template: unknown) => [...dashboardQueryKeys.productVersions(name), 'preview', template] as const,
};

export function getProduct(name: string, signal?: AbortSignal): Promise<Product> {
  return apiGet<Product>(`/api/v1/products/${encodeURIComponent(name)}`, signal);
}

/** Replaces the product; the server refuses (409) when it changed since `metadata.resourceVersion`, 422 listing every problem. */
export function saveProduct(product: Product): Promise<unknown> {
  return apiRequest(`/api/v1/products/${encodeURIComponent(product.metadata.name)}`, { method: 'PUT', body: product });
}

/**
 * The versions each application would have if `product` were saved; nothing is written. The
 * server refuses (422) what a save would refuse, listing every problem.
 */
export function previewProductVersions(product: Product, signal?: AbortSignal): Promise<ProductVersions> {
  return apiPost<ProductVersions>(`/api/v1/products/${encodeURIComponent(product.metadata.name)}/versions/preview`, product, signal);
}

export async function listPromotionTemplates(signal?: AbortSignal): Promise<PromotionTemplate[]> {
  return (await apiGet<ResourceList<PromotionTemplate>>('/api/v1/promotion-templates', signal)).items;
}

export async function listPromotionFlowNames(signal?: AbortSignal): Promise<string[]> {
  return (await apiGet<ResourceList<{ metadata: { name: string } }>>('/api/v1/promotion-flows', signal)).items.map((flow) => flow.metadata.name);
}
