import { isDeepStrictEqual } from 'node:util';
import {
  KINDS,
  canWriteKind,
  decodeResource,
  error,
  formatProblem,
  hasErrors,
  kindInfo,
  validateResources,
  type LoadedResource,
  type Problem,
  type ProblemLocation,
  type Resource,
  type ResourceKind,
  type Role,
} from '@stagecoach/core';
import { fail, ok, type Result } from '../errors.ts';
import { StoreConflictError } from '../store/errors.ts';
import type { PutOutcome, ResourceReader, Store } from '../store/port.ts';
import { presentResource, toStoredBody } from './present.ts';

/** Who is asking; decides which kinds may be written. */
export interface Actor {
  role: Role;
  name: string;
}

/** How a write treats resources that already exist (or do not). */
export type WriteMode = 'apply' | 'create' | 'replace';

export interface WriteResult {
  kind: ResourceKind;
  name: string;
  outcome: PutOutcome;
  resourceVersion: string;
}

export interface ApplyReport {
  results: WriteResult[];
  /** Warnings about the written resources; they never block a write. */
  warnings: Problem[];
  dryRun: boolean;
}

const key = (kind: string, name: string) => `${kind}/${name}`;
const kindOrder = new Map(KINDS.map((k, i) => [k.kind, i]));

/** Reads every stored resource back as a typed resource. */
async function readAll(reader: ResourceReader): Promise<Resource[]> {
  const stored = await reader.list();
  const out: Resource[] = [];
  for (const s of stored) {
    const { resource } = decodeResource(s.body);
    if (resource) out.push(resource);
  }
  return out;
}

function describeSet(problems: Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0];
  if (!first) return 'invalid input';
  return errors.length === 1 ? formatProblem(first) : `${errors.length} problems, the first: ${formatProblem(first)}`;
}

/**
 * Resource commands: every write checks permissions, validates the incoming documents together
 * with what is stored, and writes all of them in one transaction, or nothing.
 */
export class ResourceService {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {}

  async list(kind: ResourceKind): Promise<Resource[]> {
    return (await this.store.resources.list(kind)).map(presentResource);
  }

  async get(kind: ResourceKind, name: string): Promise<Result<Resource>> {
    const stored = await this.store.resources.get(kind, name);
    if (!stored) return fail('not_found', `${kind} "${name}" not found`);
    return ok(presentResource(stored));
  }

  /** All stored resources, typed; for commands that need the whole picture (policy evaluate). */
  async all(): Promise<Resource[]> {
    return readAll(this.store.resources);
  }

  /**
   * Writes documents. `apply` creates or updates; `create` refuses existing ones; `replace`
   * refuses missing ones. A `metadata.resourceVersion` in a document must match the stored one.
   * `decodeProblems` are problems found while reading the documents; they are reported together
   * with the cross-resource ones so the caller sees every problem at once.
   */
  async write(
    incoming: LoadedResource[],
    actor: Actor,
    options: { mode: WriteMode; dryRun?: boolean; decodeProblems?: Problem[] },
  ): Promise<Result<ApplyReport>> {
    const located = new Map<string, ProblemLocation>();
    for (const item of incoming) {
      located.set(key(item.resource.kind, item.resource.metadata.name), {
        ...(item.file !== undefined ? { file: item.file } : {}),
        document: item.document,
      });
    }

    const denied = incoming
      .filter((item) => !canWriteKind(actor.role, item.resource.kind))
      .map((item) =>
        error(
          'permission',
          '',
          `role "${actor.role}" may not write ${item.resource.kind} resources (needs ${kindInfo(item.resource.kind).writeRole})`,
          { ...located.get(key(item.resource.kind, item.resource.metadata.name)), kind: item.resource.kind, name: item.resource.metadata.name },
        ),
      );
    if (denied.length > 0) return fail('forbidden', describeSet(denied), denied);

    const duplicates: Problem[] = [];
    const seen = new Set<string>();
    for (const item of incoming) {
      const k = key(item.resource.kind, item.resource.metadata.name);
      if (seen.has(k)) {
        duplicates.push(
          error('duplicate-resource', 'metadata.name', `${item.resource.kind} "${item.resource.metadata.name}" appears more than once in this request`, {
            ...(item.file !== undefined ? { file: item.file } : {}),
            document: item.document,
            kind: item.resource.kind,
            name: item.resource.metadata.name,
          }),
        );
      }
      seen.add(k);
    }

    const sorted = [...incoming].sort((a, b) => kindOrder.get(a.resource.kind)! - kindOrder.get(b.resource.kind)!);
    try {
      return await this.store.transaction(async (tx) => {
        const stored = await readAll(tx.resources);
        const merged = new Map(stored.map((r) => [key(r.kind, r.metadata.name), r]));
        for (const item of incoming) {
          const k = key(item.resource.kind, item.resource.metadata.name);
          const at = { ...located.get(k), kind: item.resource.kind, name: item.resource.metadata.name };
          if (options.mode === 'create' && merged.has(k)) {
            return fail<ApplyReport>('already_exists', `${item.resource.kind} "${item.resource.metadata.name}" already exists`, [
              error('already-exists', 'metadata.name', 'a resource with this name already exists', at),
            ]);
          }
          if (options.mode === 'replace' && !merged.has(k)) {
            return fail<ApplyReport>('not_found', `${item.resource.kind} "${item.resource.metadata.name}" not found`, [
              error('not-found', 'metadata.name', 'no resource with this name exists', at),
            ]);
          }
          merged.set(k, item.resource);
        }

        const problems = validateResources([...merged.values()], (r) => located.get(key(r.kind, r.metadata.name)) ?? {});
        const mine = problems.filter((p) => p.kind !== undefined && p.name !== undefined && located.has(key(p.kind, p.name)));
        const all = [...(options.decodeProblems ?? []), ...duplicates, ...mine];
        if (hasErrors(all)) return fail<ApplyReport>('validation_failed', describeSet(all), all.filter((p) => p.severity === 'error'));

        const warnings = mine.filter((p) => p.severity === 'warning');
        const results: WriteResult[] = [];
        const now = this.now().toISOString();
        for (const item of sorted) {
          const { resource } = item;
          const current = await tx.resources.get(resource.kind, resource.metadata.name);
          // A resourceVersion guards an update. On a resource that does not exist (output of
          // another server, or deleted meanwhile) there is nothing to guard: it is created.
          const expected = current ? resource.metadata.resourceVersion : undefined;
          if (options.dryRun) {
            if (expected !== undefined && String(current?.resourceVersion) !== expected) {
              throw new StoreConflictError(resource.kind, resource.metadata.name, Number(expected), current?.resourceVersion);
            }
            const body = JSON.parse(JSON.stringify(toStoredBody(resource)));
            const outcome: PutOutcome = !current ? 'created' : isDeepStrictEqual(current.body, body) ? 'unchanged' : 'configured';
            results.push({ kind: resource.kind, name: resource.metadata.name, outcome, resourceVersion: String(current?.resourceVersion ?? 0) });
            continue;
          }
          const written = await tx.resources.put({
            kind: resource.kind,
            name: resource.metadata.name,
            body: toStoredBody(resource),
            ...(expected !== undefined ? { expectedVersion: Number(expected) } : {}),
            now,
          });
          results.push({
            kind: resource.kind,
            name: resource.metadata.name,
            outcome: written.outcome,
            resourceVersion: String(written.resource.resourceVersion),
          });
        }
        return ok({ results, warnings, dryRun: options.dryRun ?? false });
      });
    } catch (e) {
      if (e instanceof StoreConflictError) {
        const at = located.get(key(e.kind, e.name)) ?? {};
        return fail('conflict', e.message, [error('stale-resource-version', 'metadata.resourceVersion', e.message, { ...at, kind: e.kind, name: e.name })]);
      }
      throw e;
    }
  }

  /**
   * Deletes one resource. Refused with `in_use` when other resources still reference it (the
   * problems name each of them), and with `conflict` on a stale `expectedVersion`.
   */
  async delete(kind: ResourceKind, name: string, actor: Actor, expectedVersion?: number): Promise<Result<{ kind: ResourceKind; name: string }>> {
    if (!canWriteKind(actor.role, kind)) {
      return fail('forbidden', `role "${actor.role}" may not delete ${kind} resources (needs ${kindInfo(kind).writeRole})`);
    }
    try {
      return await this.store.transaction(async (tx) => {
        const current = await tx.resources.get(kind, name);
        if (!current) return fail<{ kind: ResourceKind; name: string }>('not_found', `${kind} "${name}" not found`);
        const all = await readAll(tx.resources);
        const before = new Set(validateResources(all).filter((p) => p.severity === 'error').map(formatProblem));
        const after = validateResources(all.filter((r) => !(r.kind === kind && r.metadata.name === name)));
        const broken = after.filter((p) => p.severity === 'error' && !before.has(formatProblem(p)));
        if (broken.length > 0) {
          const referrers = [...new Set(broken.map((p) => `${p.kind} "${p.name}"`))];
          const named = referrers.length > 3 ? `${referrers.slice(0, 3).join(', ')} and ${referrers.length - 3} more` : referrers.join(', ');
          return fail<{ kind: ResourceKind; name: string }>('in_use', `${kind} "${name}" is still referenced by ${named}; change or delete them first`, broken);
        }
        await tx.resources.delete(kind, name, expectedVersion);
        return ok({ kind, name });
      });
    } catch (e) {
      if (e instanceof StoreConflictError) return fail('conflict', e.message);
      throw e;
    }
  }
}
