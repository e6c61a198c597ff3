import { delimiter, isAbsolute, join, posix } from 'node:path';

/**
 * How container paths of an Argo step map onto the host, in the step folder:
 *
 * ```text
 * <step>/                 the step folder, new for each step, removed afterwards
 *   fs/                   the step's view of the container's file system ("/")
 *     home/               HOME
 *     tmp/                TMPDIR
 *     work/               working directory when the step declares none
 *     <workingDir>/       working directory when the step declares one (created empty)
 *     <outputs[].path>    where each declared output is read (parent folders created)
 *   outputs/              STAGECOACH_OUTPUTS: an output `name` may also be written to `$STAGECOACH_OUTPUTS/name`
 *   script                the script source, passed as the last argument of the command
 * ```
 *
 * The rule for outputs: every exact occurrence of a declared **absolute** output path (as written
 * in the template) in the command's arguments (not `command[0]`), in `args` and in the script
 * source is replaced by its host path `<step>/fs<path>` before the process starts. An occurrence
 * counts only where the path is not glued to a preceding path character, so `/x/tmp/out` is left
 * alone when `/tmp/out` is declared; a longer declared path wins over a shorter one it starts with.
 * A **relative** output path is not rewritten: it is read relative to the working directory, as
 * the process wrote it. Paths reached any other way (built in a variable, `cd /tmp/outputs`) are
 * not mapped; such scripts should write to `$STAGECOACH_OUTPUTS/<name>` instead.
 */
export interface StepLayout {
  folder: string;
  fs: string;
  home: string;
  tmp: string;
  outputs: string;
  script: string;
  /** The process's working directory on the host. */
  cwd: string;
}

/** Container path → its normalised absolute form (`..` cannot climb above `/`). */
export function containerPath(path: string, workingDir = '/work'): string {
  return posix.resolve('/', workingDir, path);
}

/** Container path → host path inside `fsRoot`. Never outside it. */
export function hostPath(fsRoot: string, path: string, workingDir?: string): string {
  return join(fsRoot, containerPath(path, workingDir));
}

/** The layout of a step folder (no I/O). */
export function stepLayout(folder: string, workingDir?: string): StepLayout {
  const fs = join(folder, 'fs');
  return {
    folder,
    fs,
    home: join(fs, 'home'),
    tmp: join(fs, 'tmp'),
    outputs: join(folder, 'outputs'),
    script: join(folder, 'script'),
    cwd: join(fs, posix.resolve('/', workingDir ?? '/work')),
  };
}

/** Declared absolute output paths (exactly as written) → their host paths. */
export function outputPathMap(fsRoot: string, paths: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const path of paths) {
    if (path.startsWith('/') && !map.has(path)) map.set(path, hostPath(fsRoot, path));
  }
  return map;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces occurrences of each key of `paths` in `text` by its value, in one pass (see {@link StepLayout}). */
export function rewritePaths(text: string, paths: ReadonlyMap<string, string>): string {
  if (paths.size === 0) return text;
  const keys = [...paths.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`(?<![\\w.~/-])(?:${keys.map(escapeRegExp).join('|')})`, 'g');
  return text.replace(pattern, (match) => paths.get(match)!);
}

/** Folders searched when the server has no usable PATH. */
export const FALLBACK_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(delimiter);

/**
 * The PATH given to steps, from the server's: absolute entries only (an empty or relative entry
 * would search the step's working directory), without the `node_modules/.bin` folders that npm
 * adds, without duplicates; {@link FALLBACK_PATH} when nothing is left.
 */
export function minimalPath(serverPath: string | undefined): string {
  const kept: string[] = [];
  for (const entry of (serverPath ?? '').split(delimiter)) {
    if (!isAbsolute(entry) || /[\\/]node_modules[\\/]/.test(`${entry}/`) || kept.includes(entry)) continue;
    kept.push(entry);
  }
  return kept.length > 0 ? kept.join(delimiter) : FALLBACK_PATH;
}
