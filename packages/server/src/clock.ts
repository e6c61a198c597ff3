import { randomBytes } from 'node:crypto';

/** Time and ids are given to the services, never read by them, so tests can pin both. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A sortable unique id (ULID layout): 10 characters of milliseconds since the epoch, then 16 of
 * randomness, in Crockford base 32, lower-cased.
 */
export function newId(at: Date): string {
  let time = at.getTime();
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const bytes = randomBytes(16);
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[bytes[i]! % 32];
  return (head + tail).toLowerCase();
}
