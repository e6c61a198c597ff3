/**
 * Marks a branch the type checker has proven unreachable, such as the `default` of a `switch`
 * over every member of a union. Reaching it at run time means a value outside the union got in
 * (unvalidated input, or a new member nobody handled), so it throws.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
