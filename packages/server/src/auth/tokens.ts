import { createHash, randomBytes } from 'node:crypto';
import { error, formatProblem, isRole, type Role } from '@stagecoach/core';
import type { Clock } from '../clock.ts';
import { newId } from '../clock.ts';
import { fail, ok, type Result } from '../errors.ts';
import type { StoredToken, TokenRepo } from '../store/port.ts';

/** Every token starts with this prefix so secret scanners and people can recognise one. */
export const TOKEN_PREFIX = 'sct_';

/** A new random token: the prefix and 32 random bytes in base64url (256 bits). */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * Tokens are stored as their SHA-256. They carry 256 bits of randomness, so a fast hash is
 * enough; a slow password hash would only slow every request.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A token as the API shows it: never the secret, never the hash. */
export interface TokenView {
  id: string;
  name: string;
  role: Role;
  labels: Record<string, string>;
  createdAt: string;
  lastUsedAt?: string;
}

export function presentToken(t: StoredToken): TokenView {
  return { id: t.id, name: t.name, role: t.role, labels: t.labels, createdAt: t.createdAt, ...(t.lastUsedAt ? { lastUsedAt: t.lastUsedAt } : {}) };
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export class TokenService {
  /** Last time each token's `lastUsedAt` was written; written at most once a minute per token. */
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly tokens: TokenRepo,
    private readonly clock: Clock,
  ) {}

  /** The token behind a bearer secret, or undefined when it is unknown. */
  async authenticate(secret: string): Promise<StoredToken | undefined> {
    const found = await this.tokens.findByHash(hashToken(secret));
    if (found) {
      const now = this.clock.now();
      const last = this.touched.get(found.id) ?? 0;
      if (now.getTime() - last > 60_000) {
        this.touched.set(found.id, now.getTime());
        await this.tokens.touch(found.id, now.toISOString());
      }
    }
    return found;
  }

  /** Creates a token and returns its secret; the secret is shown this once and never stored. */
  async create(input: { name: unknown; role: unknown; labels?: unknown }, secret = generateToken()): Promise<Result<{ token: TokenView; secret: string }>> {
    const problems = [];
    if (typeof input.name !== 'string' || !NAME.test(input.name) || input.name.length > 63) {
      problems.push(error('dns-1123-label', 'name', 'must be a DNS-1123 label: at most 63 lower-case letters, digits or "-"'));
    }
    if (!isRole(input.role)) problems.push(error('one-of', 'role', `must be one of "admin", "member", "viewer", got ${JSON.stringify(input.role)}`));
    const labels = input.labels ?? {};
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels) || Object.values(labels).some((v) => typeof v !== 'string')) {
      problems.push(error('type', 'labels', 'must be a map of strings'));
    }
    if (problems.length > 0) return fail('validation_failed', problems.map(formatProblem).join('; '), problems);
    const name = input.name as string;
    const all = await this.tokens.list();
    if (all.some((t) => t.name === name)) return fail('already_exists', `a token named "${name}" already exists`);
    const now = this.clock.now();
    const stored: StoredToken = {
      id: newId(now),
      name,
      role: input.role as Role,
      hash: hashToken(secret),
      labels: labels as Record<string, string>,
      createdAt: now.toISOString(),
    };
    await this.tokens.create(stored);
    return ok({ token: presentToken(stored), secret });
  }

  async list(): Promise<TokenView[]> {
    return (await this.tokens.list()).map(presentToken);
  }

  async revoke(id: string): Promise<Result<{ id: string }>> {
    return (await this.tokens.delete(id)) ? ok({ id }) : fail('not_found', `token "${id}" not found`);
  }

  /**
   * Makes sure an admin can get in on first start. With `adminToken` (from
   * STAGECOACH_ADMIN_TOKEN) that secret becomes an admin token if it is not one yet. Without it,
   * when no token exists at all, a new admin token is made. Returns the secret only when a new
   * random one was made, so it is printed exactly once.
   */
  async bootstrap(adminToken?: string): Promise<{ created: boolean; secret?: string }> {
    if (adminToken) {
      if (await this.tokens.findByHash(hashToken(adminToken))) return { created: false };
      const name = (await this.tokens.list()).some((t) => t.name === 'admin') ? `admin-${newId(this.clock.now()).slice(-6)}` : 'admin';
      const made = await this.create({ name, role: 'admin', labels: { 'stagecoach.dev/origin': 'environment' } }, adminToken);
      if (!made.ok) throw new Error(made.error.message);
      return { created: true };
    }
    if ((await this.tokens.count()) > 0) return { created: false };
    const made = await this.create({ name: 'admin', role: 'admin' });
    if (!made.ok) throw new Error(made.error.message);
    return { created: true, secret: made.value.secret };
  }
}
