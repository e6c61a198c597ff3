import type { Resource } from '@stagecoach/core';
import type { StoredResource } from '../store/port.ts';

/** Server-managed metadata fields; never stored in a body, always added when a resource is shown. */
const SERVER_FIELDS = ['resourceVersion', 'creationTimestamp', 'updateTimestamp'] as const;

/** The document as it is stored: what the user declared, without server-managed fields. */
export function toStoredBody(resource: Resource): Record<string, unknown> {
  const metadata: Record<string, unknown> = { ...resource.metadata };
  for (const field of SERVER_FIELDS) delete metadata[field];
  return { ...resource, metadata };
}

/** The resource as the API shows it: the stored body plus resourceVersion and timestamps. */
export function presentResource(stored: StoredResource): Resource {
  const body = stored.body as Record<string, unknown> & { metadata: Record<string, unknown> };
  return {
    ...body,
    metadata: {
      ...body.metadata,
      resourceVersion: String(stored.resourceVersion),
      creationTimestamp: stored.createdAt,
      ...(stored.updatedAt !== stored.createdAt ? { updateTimestamp: stored.updatedAt } : {}),
    },
  } as Resource;
}
