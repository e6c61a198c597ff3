import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { tempDir } from '../../testing/git-fixtures.ts';
import { decryptSecret, encryptSecret, SECRET_KEY_ENV, SecretBox, SecretBoxError } from './secret-box.ts';

const KEY = Buffer.alloc(32, 7);

function isError(code: SecretBoxError['code'], message?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof SecretBoxError, String(e));
    assert.equal(e.code, code);
    if (message !== undefined) assert.equal(e.message, message);
    return true;
  };
}

describe('encryptSecret / decryptSecret (AES-256-GCM)', () => {
  it('round-trips, including empty and non-ASCII secrets, with a new IV each time', () => {
    for (const secret of ['', 'ghp_token', 'pä$$ 日本語 🚂', '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n'.repeat(50)]) {
      const a = encryptSecret(KEY, secret, 'cred-1');
      const b = encryptSecret(KEY, secret, 'cred-1');
      assert.match(a, /^v1:[A-Za-z0-9+/]+={0,2}$/);
      assert.notEqual(a, b);
      assert.ok(!a.includes(secret) || secret === '');
      assert.equal(decryptSecret(KEY, a, 'cred-1'), secret);
      assert.equal(Buffer.from(a.slice(3), 'base64').length, 12 + 16 + Buffer.byteLength(secret));
    }
  });

  it('refuses a changed ciphertext, IV or tag', () => {
    const text = encryptSecret(KEY, 'hunter2');
    const raw = Buffer.from(text.slice(3), 'base64');
    for (const at of [0, 11, 12, 27, 28, raw.length - 1]) {
      const copy = Buffer.from(raw);
      copy[at]! ^= 0x01;
      assert.throws(
        () => decryptSecret(KEY, `v1:${copy.toString('base64')}`),
        isError('decrypt-failed', 'encrypted secret: cannot be decrypted (wrong key, altered data or another context)'),
      );
    }
    assert.throws(() => decryptSecret(KEY, `v1:${raw.subarray(0, raw.length - 1).toString('base64')}`), isError('decrypt-failed'));
  });

  it('refuses another key and another context', () => {
    const text = encryptSecret(KEY, 'hunter2', 'cred-1');
    assert.throws(() => decryptSecret(Buffer.alloc(32, 8), text, 'cred-1'), isError('decrypt-failed'));
    assert.throws(() => decryptSecret(KEY, text, 'cred-2'), isError('decrypt-failed'));
    assert.throws(() => decryptSecret(KEY, text), isError('decrypt-failed'));
  });

  it('refuses unknown formats and bad keys', () => {
    assert.throws(() => decryptSecret(KEY, 'hunter2'), isError('invalid-ciphertext', 'encrypted secret: unknown format (expected a "v1:" prefix)'));
    assert.throws(() => decryptSecret(KEY, 'v2:AAAA'), isError('invalid-ciphertext'));
    assert.throws(() => decryptSecret(KEY, 'v1:not base64!'), isError('invalid-ciphertext', 'encrypted secret: not valid base64'));
    assert.throws(() => decryptSecret(KEY, 'v1:AAAA'), isError('invalid-ciphertext', 'encrypted secret: too short'));
    assert.throws(() => encryptSecret(Buffer.alloc(16), 'x'), isError('invalid-key'));
  });
});

describe('SecretBox.fromDataDir', () => {
  it('creates secret.key (32 bytes, 0600) on first use and reuses it afterwards', async () => {
    const dir = await tempDir('stagecoach-data-');
    try {
      const dataDir = join(dir.path, 'data', 'nested');
      const box = await SecretBox.fromDataDir(dataDir, {});
      assert.equal(box.source, 'file');
      const file = join(dataDir, 'secret.key');
      const info = await stat(file);
      assert.equal(info.mode & 0o777, 0o600);
      assert.equal(info.size, 32);
      const text = box.encrypt('hunter2', 'c');
      const again = await SecretBox.fromDataDir(dataDir, {});
      assert.equal(again.decrypt(text, 'c'), 'hunter2');
      assert.equal(decryptSecret(await readFile(file), text, 'c'), 'hunter2');
      assert.equal(JSON.stringify(box), '{"source":"file"}');
      assert.ok(!inspect(box).includes((await readFile(file)).toString('hex')));
    } finally {
      await dir.cleanup();
    }
  });

  it('gives concurrent first starts one and the same key', async () => {
    const dir = await tempDir('stagecoach-data-');
    try {
      const boxes = await Promise.all(Array.from({ length: 8 }, () => SecretBox.fromDataDir(dir.path, {})));
      const text = boxes[0]!.encrypt('same');
      for (const b of boxes) assert.equal(b.decrypt(text), 'same');
    } finally {
      await dir.cleanup();
    }
  });

  it('takes STAGECOACH_SECRET_KEY over the file, and refuses a malformed one without echoing it', async () => {
    const dir = await tempDir('stagecoach-data-');
    try {
      const key = randomBytes(32);
      const box = await SecretBox.fromDataDir(dir.path, { [SECRET_KEY_ENV]: key.toString('base64') });
      assert.equal(box.source, 'env');
      assert.equal(decryptSecret(key, box.encrypt('x')), 'x');
      await assert.rejects(stat(join(dir.path, 'secret.key')), { code: 'ENOENT' });
      for (const bad of [randomBytes(16).toString('base64'), 'not*base64', randomBytes(33).toString('base64')]) {
        await assert.rejects(SecretBox.fromDataDir(dir.path, { [SECRET_KEY_ENV]: bad }), (e: unknown) => {
          assert.ok(e instanceof SecretBoxError && e.code === 'invalid-key');
          assert.equal(e.message, 'STAGECOACH_SECRET_KEY must be the base64 form of exactly 32 bytes');
          return true;
        });
      }
    } finally {
      await dir.cleanup();
    }
  });

  it('refuses a key file of the wrong size', async () => {
    const dir = await tempDir('stagecoach-data-');
    try {
      await writeFile(join(dir.path, 'secret.key'), randomBytes(31), { mode: 0o600 });
      await assert.rejects(SecretBox.fromDataDir(dir.path, {}), isError('invalid-key', `${join(dir.path, 'secret.key')} must hold exactly 32 bytes, it holds 31`));
    } finally {
      await dir.cleanup();
    }
  });
});
