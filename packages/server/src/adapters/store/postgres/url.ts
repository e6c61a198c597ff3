/**
 * The URL with its password replaced by `***` (in the user part and in a `password` query
 * parameter, which `pg` also reads), for messages and logs. Unparsable input gives `<unparsable URL>`.
 */
export function redactDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<unparsable URL>';
  }
  if (parsed.password !== '') parsed.password = '***';
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
  return parsed.toString();
}
