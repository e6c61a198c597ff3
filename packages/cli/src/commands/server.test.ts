import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Context } from '../context.ts';
import { serveUntilStopped } from './server.ts';

test('a SIGTERM sent the moment "Open …" is printed closes the server, and the listeners are gone after', { timeout: 20_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stagecoach-serve-'));
  const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
  let out = '';
  let signalled = false;
  const ctx: Context = {
    io: {
      out: (s) => {
        out += s;
        // A process manager that reads this line and signals at once: with no listener yet, the
        // emitted signal would be lost and the server would serve for ever.
        if (s.startsWith('Open http') && !signalled) {
          signalled = true;
          process.emit('SIGTERM', 'SIGTERM');
        }
      },
      err: () => {},
      env: {},
      isTty: false,
      readStdin: async () => '',
    },
    client: () => assert.fail('no client is needed'),
  };
  try {
    await serveUntilStopped(ctx, { port: 0, dataDir: join(dir, 'data') });
    assert.ok(signalled, out);
    assert.match(out, /Stopping…\n$/);
    assert.deepEqual({ term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') }, before);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
