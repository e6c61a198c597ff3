import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where browser tests save the screenshots of their final screens (git-ignored). */
export const ARTIFACTS_DIR = join(import.meta.dirname, 'artifacts');

/**
 * The path for a screenshot the README shows: `docs/images/<name>` when
 * `STAGECOACH_UPDATE_DOC_IMAGES=1` (to refresh them on purpose), else beside the other artifacts,
 * so a test run leaves the tracked files alone.
 */
export function docImage(name: string): string {
  const dir = process.env.STAGECOACH_UPDATE_DOC_IMAGES === '1' ? join(import.meta.dirname, '..', '..', '..', 'docs', 'images') : join(ARTIFACTS_DIR, 'docs');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
