/** A flow's `timeout` when it sets none: a release may run for a day before it is terminated. */
export const DEFAULT_FLOW_TIMEOUT = '24h';

/** The result of reading a duration: milliseconds, or why the text is not a duration. */
export type DurationResult = { ok: true; milliseconds: number } | { ok: false; message: string };

const UNIT_MILLISECONDS = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MILLISECONDS;

// `ms` comes before `m` so that "10ms" is read as milliseconds, not as minutes followed by junk.
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;

/**
 * Reads a Go-style duration such as `24h`, `30m`, `1h30m`, `1.5h` or `250ms` into milliseconds,
 * rounded to the nearest whole millisecond. Units are `h`, `m`, `s` and `ms`; every number needs
 * a unit and parts may repeat (`1h1h` is two hours). It accepts exactly the texts the `Duration`
 * field of a resource accepts: no sign, no spaces, no bare `0`, no `.5h`, nothing under 1ms. Never
 * throws.
 */
export function parseDuration(text: string): DurationResult {
  if (text === '') return { ok: false, message: 'a duration cannot be empty; use for example "24h", "30m" or "1h30m"' };
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (!match) {
      return {
        ok: false,
        message: `${JSON.stringify(text)} is not a duration: expected a number and a unit (h, m, s or ms) at character ${start + 1}, as in "24h", "30m" or "1h30m"`,
      };
    }
    total += Number(match[1]) * UNIT_MILLISECONDS[match[2] as Unit];
  }
  const milliseconds = Math.round(total);
  if (!Number.isSafeInteger(milliseconds)) return { ok: false, message: `${JSON.stringify(text)} is too long a duration` };
  if (milliseconds < 1) return { ok: false, message: `${JSON.stringify(text)} is zero; a duration must be at least 1ms` };
  return { ok: true, milliseconds };
}
