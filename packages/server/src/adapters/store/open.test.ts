import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { StoreConfigError } from '../../store/errors.ts';
import { openStore } from './open.ts';
import { redactDatabaseUrl } from './postgres/url.ts';
import { openPostgresStore } from './postgres/open.ts';
import { openSqliteStore } from './sqlite/open.ts';

describe('openStore', () => {
  it('opens SQLite at <dataDir>/stagecoach.db when no database URL is set (or it is blank)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'stagecoach-open-'));
    try {
      for (const databaseUrl of [undefined, '', '  ']) {
        const store = await openStore({ dataDir: join(root, 'data'), ...(databaseUrl === undefined ? {} : { databaseUrl }) });
        assert.equal(store.dialect, 'sqlite');
        await store.close();
        await store.close(); // a second close does nothing
      }
      assert.deepEqual((await readdir(join(root, 'data'))).filter((f) => f.endsWith('.db')), ['stagecoach.db']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('refuses a URL that is not PostgreSQL, without showing its password', async () => {
    const refused = async (databaseUrl: string) => {
      const e = await openStore({ databaseUrl, dataDir: '/unused' }).then(
        (store) => assert.fail(`opened a ${store.dialect} store for ${databaseUrl}`),
        (err: unknown) => err,
      );
      assert.ok(e instanceof StoreConfigError, String(e));
      return [e.code, e.setting, e.message];
    };
    const hint = 'use postgres://… or postgresql://…, or leave it unset for SQLite in the data folder';
    assert.deepEqual(await refused('mysql://root:secret@db:3306/app'), [
      'invalid_config',
      'databaseUrl',
      `databaseUrl: scheme "mysql" is not supported; ${hint}`,
    ]);
    assert.equal((await refused('sqlite:///var/lib/x.db'))[2], `databaseUrl: scheme "sqlite" is not supported; ${hint}`);
    assert.equal((await refused('user:secret@host/db'))[2], `databaseUrl: scheme "user" is not supported; ${hint}`);
    assert.equal((await refused('/var/lib/stagecoach.db'))[2], `databaseUrl: not a URL; ${hint}`);
  });
});

describe('openSqliteStore', () => {
  it('opens a private in-memory database', async () => {
    const store = await openSqliteStore({ file: ':memory:' });
    await store.resources.put({ kind: 'Product', name: 'shop', body: { spec: {} }, now: '2026-01-01T00:00:00.000Z' });
    assert.equal((await store.resources.list()).length, 1);
    await store.close();

    const other = await openSqliteStore({ file: ':memory:' });
    assert.deepEqual(await other.resources.list(), []);
    await other.close();
  });

  it('names the migration that failed, and leaves the file as it was', async () => {
    const root = await mkdtemp(join(tmpdir(), 'stagecoach-open-'));
    const file = join(root, 'stagecoach.db');
    try {
      const foreign = new SqliteDatabase(file);
      foreign.exec('create table resources (x text)');
      foreign.close();
      await assert.rejects(openSqliteStore({ file }), {
        message: 'store migration "0001_resources_and_tokens" failed: table "resources" already exists',
      });
      const after = new SqliteDatabase(file, { readonly: true });
      const tables = after.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all();
      after.close();
      assert.deepEqual(tables, ['resources', 'stagecoach_migration', 'stagecoach_migration_lock']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('openPostgresStore', () => {
  it('names the server, without the password, when it cannot connect', async () => {
    await assert.rejects(openPostgresStore({ url: 'postgres://app:hunter2@127.0.0.1:1/stagecoach', connectTimeoutMs: 2000 }), {
      message: 'PostgreSQL store at postgres://app:***@127.0.0.1:1/stagecoach: connect ECONNREFUSED 127.0.0.1:1',
    });
  });
});

describe('redactDatabaseUrl', () => {
  it('hides the password only', () => {
    assert.equal(redactDatabaseUrl('postgres://app:s3cr%40t@db.example:5432/stagecoach?sslmode=require'), 'postgres://app:***@db.example:5432/stagecoach?sslmode=require');
    assert.equal(redactDatabaseUrl('postgresql://app@db/stagecoach'), 'postgresql://app@db/stagecoach');
    assert.equal(redactDatabaseUrl('postgres://app@db/stagecoach?password=hunter2&sslmode=disable'), 'postgres://app@db/stagecoach?password=***&sslmode=disable');
    assert.equal(redactDatabaseUrl('not a url'), '<unparsable URL>');
  });
});
