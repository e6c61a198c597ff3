import { z } from 'zod';
import { formatProblem, issuesToProblems } from '@stagecoach/core';
import type { SecretBox } from '../adapters/crypto/index.ts';
import { newId, type Clock } from '../clock.ts';
import { fail, ok, type Result } from '../errors.ts';
import { GitError, displayUrl } from '../git/errors.ts';
import type { GitCredentials } from '../git/port.ts';
import type { CredentialRepo, CredentialType, StoredCredential } from '../store/port.ts';

const Name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a DNS-1123 label' }).max(63);

/** What a person sends to store a credential. The secret fields are write-only. */
export const CreateCredential = z.discriminatedUnion('type', [
  z.strictObject({ name: Name, urlPrefix: z.string().min(1), type: z.literal('token'), token: z.string().min(1), username: z.string().min(1).optional() }),
  z.strictObject({ name: Name, urlPrefix: z.string().min(1), type: z.literal('basic'), username: z.string().min(1), password: z.string().min(1) }),
  z.strictObject({ name: Name, urlPrefix: z.string().min(1), type: z.literal('ssh'), privateKey: z.string().min(1), knownHosts: z.string().optional() }),
]);
export type CreateCredential = z.infer<typeof CreateCredential>;

/** A credential as the API shows it: never the secret. */
export interface CredentialView {
  id: string;
  name: string;
  urlPrefix: string;
  type: CredentialType;
  createdAt: string;
  updatedAt: string;
}

function present(c: StoredCredential): CredentialView {
  return { id: c.id, name: c.name, urlPrefix: c.urlPrefix, type: c.type, createdAt: c.createdAt, updatedAt: c.updatedAt };
}

/**
 * Git credentials, kept encrypted in the store. The id is bound into the ciphertext, so a secret
 * copied onto another row does not decrypt there.
 */
export class CredentialService {
  constructor(
    private readonly repo: CredentialRepo,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  async create(input: unknown): Promise<Result<CredentialView>> {
    const parsed = CreateCredential.safeParse(input);
    if (!parsed.success) {
      const problems = issuesToProblems(parsed.error.issues, input, {});
      return fail('validation_failed', problems.map(formatProblem).join('; '), problems);
    }
    const { name, urlPrefix, type, ...secret } = parsed.data;
    const now = this.clock.now();
    const id = newId(now);
    const stored: StoredCredential = {
      id,
      name,
      urlPrefix,
      type,
      encrypted: this.box.encrypt(JSON.stringify({ type, ...secret }), id),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    const outcome = await this.repo.create(stored);
    if (outcome !== 'created') return fail('already_exists', `a credential named "${name}" already exists`);
    return ok(present(stored));
  }

  async list(): Promise<CredentialView[]> {
    return (await this.repo.list()).map(present);
  }

  async delete(name: string): Promise<Result<{ name: string }>> {
    const found = await this.repo.getByName(name);
    if (!found) return fail('not_found', `credential "${name}" not found`);
    await this.repo.delete(found.id);
    return ok({ name });
  }

  /** The decrypted credentials for a repository URL, or undefined when none is stored for it. */
  async forUrl(url: string): Promise<GitCredentials | undefined> {
    const found = await this.repo.findForUrl(url);
    if (!found) return undefined;
    try {
      return JSON.parse(this.box.decrypt(found.encrypted, found.id)) as GitCredentials;
    } catch {
      throw new GitError(
        'unauthorized',
        displayUrl(url),
        `the stored credential "${found.name}" cannot be decrypted with this server's secret key (was the key changed?); store the credential again`,
      );
    }
  }
}
