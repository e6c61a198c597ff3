import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FLOW_TIMEOUT, parseDuration } from './duration.ts';
import { Duration } from './resources/fields.ts';

const valid: [string, number][] = [
  ['24h', 86_400_000],
  ['30m', 1_800_000],
  ['90s', 90_000],
  ['250ms', 250],
  ['1h30m', 5_400_000],
  ['1h30m15s500ms', 5_415_500],
  ['1.5h', 5_400_000],
  ['0.5s', 500],
  ['1.1h', 3_960_000],
  ['0.5ms', 1],
  ['10ms', 10],
  ['1m1ms', 60_001],
  ['1h1h', 7_200_000],
  ['30s1h', 3_630_000],
  ['007m', 420_000],
];

const invalid: [string, string][] = [
  ['0s', '"0s" is zero; a duration must be at least 1ms'],
  ['0.4ms', '"0.4ms" is zero; a duration must be at least 1ms'],
  ['', 'a duration cannot be empty; use for example "24h", "30m" or "1h30m"'],
  ['24', '"24" is not a duration: expected a number and a unit (h, m, s or ms) at character 1, as in "24h", "30m" or "1h30m"'],
  ['0', '"0" is not a duration: expected a number and a unit (h, m, s or ms) at character 1, as in "24h", "30m" or "1h30m"'],
  ['h', '"h" is not a duration: expected a number and a unit (h, m, s or ms) at character 1, as in "24h", "30m" or "1h30m"'],
  ['1d', '"1d" is not a duration: expected a number and a unit (h, m, s or ms) at character 1, as in "24h", "30m" or "1h30m"'],
  ['1h30', '"1h30" is not a duration: expected a number and a unit (h, m, s or ms) at character 3, as in "24h", "30m" or "1h30m"'],
  ['1h 30m', '"1h 30m" is not a duration: expected a number and a unit (h, m, s or ms) at character 3, as in "24h", "30m" or "1h30m"'],
  ['-1h', '"-1h" is not a duration: expected a number and a unit (h, m, s or ms) at character 1, as in "24h", "30m" or "1h30m"'],
  ['+1h', '"+1h" is not a duration: expected a number and a unit (h, m, s or ms) at character 1, as in "24h", "30m" or "1h30m"'],
  ['.5h', '".5h" is not a duration: expected a number and a unit (h, m, s or ms) at character 1, as in "24h", "30m" or "1h30m"'],
  ['5.h', '"5.h" is not a duration: expected a number and a unit (h, m, s or ms) at character 1, as in "24h", "30m" or "1h30m"'],
  ['1H', '"1H" is not a duration: expected a number and a unit (h, m, s or ms) at character 1, as in "24h", "30m" or "1h30m"'],
  ['1us', '"1us" is not a duration: expected a number and a unit (h, m, s or ms) at character 1, as in "24h", "30m" or "1h30m"'],
  ['1ms5', '"1ms5" is not a duration: expected a number and a unit (h, m, s or ms) at character 4, as in "24h", "30m" or "1h30m"'],
  [' 1h', '" 1h" is not a duration: expected a number and a unit (h, m, s or ms) at character 1, as in "24h", "30m" or "1h30m"'],
  ['1h\n', '"1h\\n" is not a duration: expected a number and a unit (h, m, s or ms) at character 3, as in "24h", "30m" or "1h30m"'],
  ['99999999999999999999h', '"99999999999999999999h" is too long a duration'],
];

describe('parseDuration', () => {
  for (const [text, milliseconds] of valid) {
    it(`${JSON.stringify(text)} → ${milliseconds} ms`, () => assert.deepEqual(parseDuration(text), { ok: true, milliseconds }));
  }
  for (const [text, message] of invalid) {
    it(`${JSON.stringify(text)} is refused`, () => assert.deepEqual(parseDuration(text), { ok: false, message }));
  }

  it('accepts exactly what the Duration field accepts', () => {
    const texts = [...valid.map(([t]) => t), ...invalid.map(([t]) => t)].filter((t) => t !== '99999999999999999999h');
    const disagreements = texts.filter((t) => Duration.safeParse(t).success !== parseDuration(t).ok);
    assert.deepEqual(disagreements, []);
  });

  it('the default flow timeout is a day', () => {
    assert.equal(DEFAULT_FLOW_TIMEOUT, '24h');
    assert.deepEqual(parseDuration(DEFAULT_FLOW_TIMEOUT), { ok: true, milliseconds: 24 * 60 * 60 * 1000 });
  });

  it('does not keep state between calls that fail half-way', () => {
    assert.equal(parseDuration('1h30').ok, false);
    assert.deepEqual(parseDuration('5m'), { ok: true, milliseconds: 300_000 });
  });
});
