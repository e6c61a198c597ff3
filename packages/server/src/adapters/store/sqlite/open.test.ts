import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { keepingStatements } from './open.ts';

describe('keepingStatements', () => {
  test('prepares a text once, keeps the most recently used, and the kept statement runs again with new values', () => {
    const sqlite = new SqliteDatabase(':memory:');
    try {
      sqlite.exec('create table t (n integer)');
      const db = keepingStatements(sqlite, 2);
      const insert = db.prepare('insert into t (n) values (?)');
      assert.equal(db.prepare('insert into t (n) values (?)'), insert);
      insert.run([1]);
      db.prepare('insert into t (n) values (?)').run([2]);
      const select = db.prepare('select n from t order by n');
      assert.deepEqual(select.all([]), [{ n: 1 }, { n: 2 }]);
      // Using the insert again makes the select the least recently used; a third text drops it.
      db.prepare('insert into t (n) values (?)');
      db.prepare('select count(*) as c from t');
      assert.equal(db.prepare('insert into t (n) values (?)'), insert, 'the insert was kept');
      const again = db.prepare('select n from t order by n');
      assert.notEqual(again, select);
      assert.deepEqual(again.all([]), [{ n: 1 }, { n: 2 }]);
    } finally {
      sqlite.close();
    }
  });
});
