import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CappedLog, completeUtf8Length } from './capped-log.ts';

describe('CappedLog', () => {
  it('keeps everything under the limit', () => {
    const log = new CappedLog(10);
    log.write(Buffer.from('abc\n'));
    log.write(Buffer.from('def'));
    assert.equal(log.text(), 'abc\ndef');
    assert.equal(log.truncated, false);
    assert.equal(log.totalBytes, 7);
  });

  it('keeps the first bytes, counts the rest and marks the cut', () => {
    const log = new CappedLog(5);
    log.write(Buffer.from('abc'));
    log.write(Buffer.from('defgh'));
    log.write(Buffer.from('ijk'));
    assert.equal(log.text(), 'abcde\n… log truncated after 5 bytes');
    assert.equal(log.totalBytes, 11);
    const lines = new CappedLog(4);
    lines.write(Buffer.from('abc\ndef'));
    assert.equal(lines.text(), 'abc\n… log truncated after 4 bytes');
    const empty = new CappedLog(0);
    empty.write(Buffer.from('x'));
    assert.equal(empty.text(), '… log truncated after 0 bytes');
  });

  it('does not cut a UTF-8 character in half', () => {
    const log = new CappedLog(4);
    log.write(Buffer.from('ab€')); // € is 3 bytes
    assert.equal(log.text(), 'ab\n… log truncated after 4 bytes');
    assert.equal(completeUtf8Length(Buffer.from('a€')), 4);
    assert.equal(completeUtf8Length(Buffer.from('a€').subarray(0, 3)), 1);
    assert.equal(completeUtf8Length(Buffer.from('😀')), 4);
    assert.equal(completeUtf8Length(Buffer.from('😀').subarray(0, 3)), 0);
  });

  it('rejects a bad limit', () => {
    assert.throws(() => new CappedLog(-1), /non-negative integer/);
    assert.throws(() => new CappedLog(1.5), /non-negative integer/);
  });
});
