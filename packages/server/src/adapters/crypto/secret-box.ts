import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Encryption of secrets at rest (Git credentials in the store): AES-256-GCM with one server key.
 * The key comes from `STAGECOACH_SECRET_KEY` (base64 of 32 bytes) or else from the file
 * `secret.key` (32 raw bytes) in the data dir, made with mode 0600 on first use. Losing the key
 * makes every stored secret unreadable; several replicas must share it (set the variable).
 */

/** Name of the key file in the data dir. */
export const SECRET_KEY_FILE = 'secret.key';
/** Environment variable holding the key as base64 (32 bytes); it wins over the key file. */
export const SECRET_KEY_ENV = 'STAGECOACH_SECRET_KEY';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1:';

/**
 * - `invalid-key`: the configured key is not 32 bytes (or not base64).
 * - `invalid-ciphertext`: the text is not in a format this version knows.
 * - `decrypt-failed`: wrong key, changed ciphertext, or another context than at encryption.
 */
export type SecretBoxErrorCode = 'invalid-key' | 'invalid-ciphertext' | 'decrypt-failed';

/** A failure to load a key or to decrypt. Messages never hold the key, the plaintext or the ciphertext. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
  constructor(
    readonly code: SecretBoxErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Encrypts `plaintext` with `key` (32 bytes) and a fresh random IV. The result is
 * `v1:` + base64(iv[12] | tag[16] | ciphertext). `context` (e.g. the credential's id) is
 * authenticated, not stored: decryption needs the same one, so a ciphertext copied to another
 * row does not decrypt there.
 */
export function encryptSecret(key: Buffer, plaintext: string, context = ''): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Reverses `encryptSecret`; throws `SecretBoxError` when the text was not made with this key and context. */
export function decryptSecret(key: Buffer, ciphertext: string, context = ''): string {
  checkKey(key);
  if (!ciphertext.startsWith(VERSION)) {
    throw new SecretBoxError('invalid-ciphertext', `encrypted secret: unknown format (expected a "${VERSION}" prefix)`);
  }
  const encoded = ciphertext.slice(VERSION.length);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw new SecretBoxError('invalid-ciphertext', 'encrypted secret: not valid base64');
  const raw = Buffer.from(encoded, 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('invalid-ciphertext', 'encrypted secret: too short');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError('decrypt-failed', 'encrypted secret: cannot be decrypted (wrong key, altered data or another context)');
  }
}

/** Encrypts and decrypts secrets with one key. */
export class SecretBox {
  readonly #key: Buffer;
  /** Where the key came from: the environment variable or the data dir's key file. */
  readonly source: 'env' | 'file' | 'given';

  private constructor(key: Buffer, source: SecretBox['source']) {
    checkKey(key);
    this.#key = Buffer.from(key);
    this.source = source;
  }

  /** A box over a key held by the caller (32 bytes). */
  static fromKey(key: Buffer): SecretBox {
    return new SecretBox(key, 'given');
  }

  /**
   * The box of a server: the key from `env.STAGECOACH_SECRET_KEY` when set, else from
   * `<dataDir>/secret.key`, which is created (32 random bytes, mode 0600, the folder 0700 if new)
   * when missing. Several processes starting together end up with the same key file.
   */
  static async fromDataDir(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<SecretBox> {
    const fromEnv = env[SECRET_KEY_ENV];
    if (fromEnv !== undefined && fromEnv.trim() !== '') {
      const text = fromEnv.trim();
      const key = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
      if (key.length !== KEY_BYTES) {
        throw new SecretBoxError('invalid-key', `${SECRET_KEY_ENV} must be the base64 form of exactly ${KEY_BYTES} bytes`);
      }
      return new SecretBox(key, 'env');
    }
    const file = join(dataDir, SECRET_KEY_FILE);
    let key = await readKeyFile(file);
    if (key === undefined) {
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      // Written aside, then linked into place: link fails when the file exists, so a concurrent
      // first start never sees a half-written key, and the first writer's key wins.
      const aside = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(aside, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' });
        await link(aside, file).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        });
      } finally {
        await rm(aside, { force: true });
      }
      key = await readKeyFile(file);
      if (key === undefined) throw new Error(`${file}: could not be created`);
    }
    if (key.length !== KEY_BYTES) {
      throw new SecretBoxError('invalid-key', `${file} must hold exactly ${KEY_BYTES} bytes, it holds ${key.length}`);
    }
    return new SecretBox(key, 'file');
  }

  /** See `encryptSecret`. */
  encrypt(plaintext: string, context = ''): string {
    return encryptSecret(this.#key, plaintext, context);
  }

  /** See `decryptSecret`. */
  decrypt(ciphertext: string, context = ''): string {
    return decryptSecret(this.#key, ciphertext, context);
  }

  /** Never shows the key. */
  toJSON(): { source: SecretBox['source'] } {
    return { source: this.source };
  }
}

async function readKeyFile(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new SecretBoxError('invalid-key', `the secret key must be exactly ${KEY_BYTES} bytes`);
}
