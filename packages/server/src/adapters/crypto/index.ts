/** Encryption of secrets at rest. */
export { decryptSecret, encryptSecret, SECRET_KEY_ENV, SECRET_KEY_FILE, SecretBox, SecretBoxError } from './secret-box.ts';
export type { SecretBoxErrorCode } from './secret-box.ts';
