import type { Product, PromotionTemplate } from '@stagecoach/core';
import { apiGet, apiRequest } from '../api.ts';
import type { ResourceList } from '../resources.ts';

/** TanStack Query keys of the product pages. */
export const productKeys = {
  one: (name: string) => ['products', 'detail', name] as const,
  latestRelease: (name: string) => ['releases', 'list', { product: name, limit: 1 }] as const,
  promotionTemplates: ['promotion-templates'] as const,
  promotionFlows: ['promotion-flows'] as const,
};

export function getProduct(name: string, signal?: AbortSignal): Promise<Product> {
  return apiGet<Product>(`/api/v1/products/${encodeURIComponent(name)}`, signal);
}

/** Replaces the product; the server refuses (409) when it changed since `metadata.resourceVersion`, 422 listing every problem. */
export function saveProduct(product: Product): Promise<unknown> {
  return apiRequest(`/api/v1/products/${encodeURIComponent(product.metadata.name)}`, { method: 'PUT', body: product });
}

export async function listPromotionTemplates(signal?: AbortSignal): Promise<PromotionTemplate[]> {
  return (await apiGet<ResourceList<PromotionTemplate>>('/api/v1/promotion-templates', signal)).items;
}

export async function listPromotionFlowNames(signal?: AbortSignal): Promise<string[]> {
  return (await apiGet<ResourceList<{ metadata: { name: string } }>>('/api/v1/promotion-flows', signal)).items.map((flow) => flow.metadata.name);
}
