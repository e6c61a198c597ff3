import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { systemClock } from '../../../../clock.ts';
import type { Clock } from '../../../../clock.ts';
import type { NodePhase } from '../../../../workflows/port.ts';
import { CappedLog } from './capped-log.ts';
import type { Limiter, Release } from './limiter.ts';
import { hostPath, minimalPath, outputPathMap, rewritePaths, stepLayout } from './paths.ts';
import type { StepLayout } from './paths.ts';

/** One leaf step of a WorkflowTemplate (a `container` or `script` template), as the local engine runs it. */
export interface StepSpec {
  /** Argo's container `command`: argv[0] (looked up on the step's PATH) and its first arguments. */
  command: string[];
  /** Argo's `args`, after the command (and after the script file for a script step). */
  args: string[];
  /** The step's own environment variables; see {@link runStep} for what is added. */
  env: Record<string, string>;
  /**
   * Argo's `script`: `source` is written to a file in the step folder whose path is passed as the
   * last argument of `command` (default `["sh"]`), before `args`.
   */
  script?: { source: string };
  /** Container working directory, mapped into the step folder and created empty. Default `/work` there. */
  workingDir?: string;
  /** Recorded in the result only; never pulled or run. */
  image: string;
  /** Argo's `activeDeadlineSeconds`: seconds from the start of the process; then it is stopped and the step Failed. */
  deadlineSeconds?: number;
  /** Argo's output parameters with `valueFrom.path`; see `StepLayout` in `paths.ts` for the mapping. */
  outputs: { name: string; path: string }[];
}

/** The terminal phases a leaf step ends in. */
export type StepPhase = Extract<NodePhase, 'Succeeded' | 'Failed' | 'Error' | 'Terminated'>;

export interface StepResult {
  /**
   * Succeeded: exit code 0 and every output read. Failed: non-zero exit, killed by a signal the
   * engine did not send, deadline exceeded, or an output missing. Error: the step could not be
   * started (unknown command, bad spec, step folder not writable). Terminated: `terminate()` or
   * the abort signal stopped it.
   */
  phase: StepPhase;
  /** The process's exit code, when it exited on its own. */
  exitCode?: number;
  /** The signal that ended the process (e.g. `SIGTERM`), when one did. */
  signal?: string;
  /** Why the step did not succeed, in one sentence: `exit code 2`, `deadline of 5 s exceeded`. */
  message?: string;
  /** Values of the declared outputs that were found, in declaration order (also after a failure). */
  outputs: { name: string; value: string }[];
  /** Standard output and standard error in arrival order, capped (see `RunStepOptions.logLimitBytes`). */
  log: string;
  /** True when the step printed more than the cap and `log` keeps only the first bytes. */
  truncated: boolean;
  /** The image the template named; recorded only. */
  image: string;
  /** When the step got its slot and began preparing. */
  startedAt: Date;
  finishedAt: Date;
  /** The step folder, when it was kept (`keep: true`). */
  folder?: string;
}

export interface RunStepOptions {
  /** Existing folder under which each step gets its own new folder. */
  root: string;
  /** Most bytes of log kept (the first ones). Default 1 MiB. */
  logLimitBytes?: number;
  /** Most bytes of one output value. Larger → the step fails. Default 256 KiB. */
  outputLimitBytes?: number;
  /** Aborting it terminates the step, with the signal's reason (a string, or an Error's message) as message. */
  signal?: AbortSignal;
  /** Keep the step folder after the step ends (for debugging). Default false. */
  keep?: boolean;
  /** Milliseconds between SIGTERM and SIGKILL when a step is stopped. Default 5000. */
  killGraceMs?: number;
  /** Waits for a slot of this limiter before preparing the step; holds it until the step ends. */
  limiter?: Limiter;
  /** The handle's id. Default: a random UUID. */
  id?: string;
  /** Source of the PATH given to steps (see `minimalPath`). Default: the server's `PATH`. */
  serverPath?: string;
  /** Default: the system clock. */
  clock?: Clock;
}

export interface StepHandle {
  id: string;
  /** Settles when the step has ended and its folder is removed. Never rejects. */
  done: Promise<StepResult>;
  /**
   * Stops the step: SIGTERM to its whole process group, SIGKILL after the grace period. The
   * result is Terminated with `reason` as message. Does nothing once the process has ended.
   */
  terminate(reason?: string): void;
}

export const DEFAULT_LOG_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_OUTPUT_LIMIT_BYTES = 256 * 1024;
export const DEFAULT_KILL_GRACE_MS = 5000;
/** How long to wait for the output pipes to close after the process group is gone (a process that left the group may hold them). */
const DRAIN_MS = 2000;

type Stop = { kind: 'terminate'; reason: string } | { kind: 'deadline' };
type Exit = { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null } | { kind: 'spawn-failed'; error: NodeJS.ErrnoException };

/**
 * Runs one leaf step as a host process and reports its outcome as a value.
 *
 * The process runs in a new folder under `options.root` (removed afterwards unless `keep`), in
 * its own process group, with standard input closed and exactly this environment: `PATH` (the
 * server's, minimal; the step's `env` may replace it), the step's `env`, then `HOME` and
 * `TMPDIR` inside the step folder and `STAGECOACH_OUTPUTS`. Nothing else of the server's
 * environment is passed. When the first process exits, whatever is left of its group is killed
 * (as when a container's main process ends).
 */
export function runStep(spec: StepSpec, options: RunStepOptions): StepHandle {
  const logLimit = options.logLimitBytes ?? DEFAULT_LOG_LIMIT_BYTES;
  const outputLimit = options.outputLimitBytes ?? DEFAULT_OUTPUT_LIMIT_BYTES;
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  if (!Number.isInteger(outputLimit) || outputLimit < 0) throw new RangeError(`outputLimitBytes must be a non-negative integer, got ${outputLimit}`);
  if (!Number.isFinite(grace) || grace < 0) throw new RangeError(`killGraceMs must be a non-negative number, got ${grace}`);
  const log = new CappedLog(logLimit);
  const clock = options.clock ?? systemClock;
  const id = options.id ?? randomUUID();

  // Before the process exists, stopping aborts the waits; once it exists, it signals the group.
  const preStart = new AbortController();
  let stop: Stop | undefined;
  let child: ChildProcess | undefined;
  let exited = false;
  let graceTimer: NodeJS.Timeout | undefined;

  const stopProcess = (why: Stop) => {
    if (stop || exited) return;
    stop = why;
    preStart.abort();
    if (child?.pid === undefined) return;
    signalGroup(child.pid, 'SIGTERM');
    graceTimer = setTimeout(() => signalGroup(child!.pid!, 'SIGKILL'), grace);
  };
  const currentStop = (): Stop | undefined => stop;
  const terminate = (reason = 'terminated') => stopProcess({ kind: 'terminate', reason });
  const onAbort = () => terminate(reasonText(options.signal!.reason));

  const execute = async (): Promise<StepResult> => {
    let release: Release | undefined;
    let folder: string | undefined;
    let startedAt: Date | undefined;
    const finish = (fields: Omit<StepResult, 'startedAt' | 'finishedAt' | 'log' | 'truncated' | 'image' | 'outputs'> & Partial<Pick<StepResult, 'outputs'>>): StepResult => {
      const finishedAt = clock.now();
      return {
        outputs: [],
        ...fields,
        log: log.text(),
        truncated: log.truncated,
        image: spec.image,
        startedAt: startedAt ?? finishedAt,
        finishedAt,
        ...(options.keep && folder ? { folder } : {}),
      };
    };
    const terminated = () => finish({ phase: 'Terminated', message: stop?.kind === 'terminate' ? stop.reason : 'terminated' });

    try {
      if (options.limiter) {
        try {
          release = await options.limiter.acquire(preStart.signal);
        } catch {
          return terminated();
        }
      }
      if (stop) return terminated();
      startedAt = clock.now();

      const problem = specProblem(spec);
      if (problem) return finish({ phase: 'Error', message: problem });

      let layout: StepLayout;
      let argv: string[];
      try {
        folder = await mkdtemp(join(options.root, 'step-'));
        layout = stepLayout(folder, spec.workingDir);
        argv = await prepare(spec, layout);
      } catch (error) {
        return finish({ phase: 'Error', message: `could not prepare the step folder: ${errorText(error)}` });
      }
      if (stop) return terminated();

      const env: Record<string, string> = {
        PATH: minimalPath(options.serverPath ?? process.env.PATH),
        ...spec.env,
        HOME: layout.home,
        TMPDIR: layout.tmp,
        STAGECOACH_OUTPUTS: layout.outputs,
      };
      const exit = await new Promise<Exit>((resolve) => {
        try {
          // detached: the step leads its own process group, so stopping it reaches its children.
          child = spawn(argv[0]!, argv.slice(1), { cwd: layout.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, shell: false });
        } catch (error) {
          resolve({ kind: 'spawn-failed', error: error as NodeJS.ErrnoException });
          return;
        }
        const deadline = spec.deadlineSeconds === undefined ? undefined : setLongTimeout(() => stopProcess({ kind: 'deadline' }), spec.deadlineSeconds * 1000);
        supervise(child, log, resolve, () => {
          exited = true;
          deadline?.clear();
          clearTimeout(graceTimer);
        });
      });

      if (exit.kind === 'spawn-failed') return finish({ phase: 'Error', message: spawnFailure(argv[0]!, exit.error) });
      const ended = { ...(exit.code !== null ? { exitCode: exit.code } : {}), ...(exit.signal ? { signal: exit.signal } : {}) };
      const { outputs, problems } = await readOutputs(spec, layout, outputLimit);
      // Read through a function: TypeScript cannot see that `terminate` may have set it meanwhile.
      const stoppedBy = currentStop();
      if (stoppedBy?.kind === 'terminate') return finish({ phase: 'Terminated', message: stoppedBy.reason, ...ended, outputs });
      if (stoppedBy?.kind === 'deadline') return finish({ phase: 'Failed', message: `deadline of ${spec.deadlineSeconds} s exceeded`, ...ended, outputs });
      if (exit.code !== 0) {
        const message = exit.code !== null ? `exit code ${exit.code}` : `killed by signal ${exit.signal}`;
        return finish({ phase: 'Failed', message, ...ended, outputs });
      }
      if (problems.length > 0) return finish({ phase: 'Failed', message: problems.join('; '), ...ended, outputs });
      return finish({ phase: 'Succeeded', ...ended, outputs });
    } catch (error) {
      return finish({ phase: 'Error', message: `unexpected failure: ${errorText(error)}` });
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      if (folder && !options.keep) await rm(folder, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
      release?.();
    }
  };

  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const done = execute();
  return { id, done, terminate };
}

/** A spec problem the template author must fix, or undefined. */
function specProblem(spec: StepSpec): string | undefined {
  if (!spec.script && spec.command.length === 0) return 'the step has no command (an image entrypoint cannot run locally)';
  const deadline = spec.deadlineSeconds;
  if (deadline !== undefined && !(Number.isFinite(deadline) && deadline > 0)) return `deadlineSeconds must be a positive number of seconds, got ${deadline}`;
  for (const output of spec.outputs) {
    if (output.path === '') return `output "${output.name}" has an empty path`;
  }
  return undefined;
}

/** Creates the folders and the script file; returns the argv with output paths rewritten. */
async function prepare(spec: StepSpec, layout: StepLayout): Promise<string[]> {
  const paths = outputPathMap(layout.fs, spec.outputs.map((o) => o.path));
  const folders = [layout.home, layout.tmp, layout.outputs, layout.cwd, ...spec.outputs.map((o) => dirname(outputHostPath(o.path, layout, spec)))];
  const command = spec.script && spec.command.length === 0 ? ['sh'] : spec.command;
  const [program, ...commandArgs] = command;
  const argv = [program!, ...commandArgs.map((a) => rewritePaths(a, paths))];
  // Made at once, not one after another: each waits for a worker thread and then for the event
  // loop, and on a busy server those waits added up to most of a short step's start-up.
  await Promise.all([
    ...[...new Set(folders)].map((folder) => mkdir(folder, { recursive: true })),
    spec.script ? writeFile(layout.script, rewritePaths(spec.script.source, paths), { mode: 0o700 }) : undefined,
  ]);
  if (spec.script) argv.push(layout.script);
  argv.push(...spec.args.map((a) => rewritePaths(a, paths)));
  return argv;
}

function outputHostPath(path: string, layout: StepLayout, spec: StepSpec): string {
  return hostPath(layout.fs, path, spec.workingDir);
}

/** Collects both pipes into `log`; resolves once the process has exited and its pipes are closed. */
function supervise(child: ChildProcess, log: CappedLog, resolve: (exit: Exit) => void, onExit: () => void): void {
  let exit: Exit | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  const write = (chunk: Buffer) => log.write(chunk);
  child.stdout!.on('data', write);
  child.stderr!.on('data', write);
  child.on('error', (error: NodeJS.ErrnoException) => {
    // 'error' without 'exit' means the process never started.
    if (exit) return;
    exit = { kind: 'spawn-failed', error };
    onExit();
    resolve(exit);
  });
  child.on('exit', (code, signal) => {
    exit = { kind: 'exited', code, signal };
    onExit();
    // What the step left behind in its group dies with it, and stops holding the pipes open.
    if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    drainTimer = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, DRAIN_MS);
  });
  child.on('close', () => {
    clearTimeout(drainTimer);
    if (exit?.kind === 'exited') resolve(exit);
  });
}

/** Node's timers fire at once beyond 2^31-1 ms (~24.8 days); Argo deadlines may be longer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function setLongTimeout(fn: () => void, ms: number): { clear(): void } {
  let timer: NodeJS.Timeout;
  const arm = (left: number) => {
    timer = left > MAX_TIMER_MS ? setTimeout(() => arm(left - MAX_TIMER_MS), MAX_TIMER_MS) : setTimeout(fn, left);
  };
  arm(ms);
  return { clear: () => clearTimeout(timer) };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

async function readOutputs(spec: StepSpec, layout: StepLayout, limit: number): Promise<{ outputs: StepResult['outputs']; problems: string[] }> {
  const outputs: StepResult['outputs'] = [];
  const problems: string[] = [];
  for (const output of spec.outputs) {
    const candidates = [outputHostPath(output.path, layout, spec)];
    if (/^[\w.-]+$/.test(output.name) && output.name !== '.' && output.name !== '..') candidates.push(join(layout.outputs, output.name));
    let found = false;
    for (const candidate of candidates) {
      const read = await readCapped(candidate, limit);
      if (read.kind === 'missing') continue;
      found = true;
      if (read.kind === 'value') outputs.push({ name: output.name, value: read.value.replace(/\r?\n$/, '') });
      else if (read.kind === 'too-large') problems.push(`output "${output.name}" at ${output.path} is larger than ${limit} bytes`);
      else problems.push(`output "${output.name}": ${output.path} is not a readable file (${read.reason})`);
      break;
    }
    if (!found) problems.push(`output "${output.name}" was not written to ${output.path}`);
  }
  return { outputs, problems };
}

type Read = { kind: 'value'; value: string } | { kind: 'missing' } | { kind: 'too-large' } | { kind: 'unreadable'; reason: string };

async function readCapped(path: string, limit: number): Promise<Read> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'missing' } : { kind: 'unreadable', reason: code ?? errorText(error) };
  }
  try {
    const stat = await file.stat();
    if (!stat.isFile()) return { kind: 'unreadable', reason: 'not a regular file' };
    // The process group is gone, so the file no longer grows.
    if (stat.size > limit) return { kind: 'too-large' };
    const buffer = Buffer.alloc(stat.size);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return { kind: 'value', value: buffer.subarray(0, length).toString('utf8') };
  } catch (error) {
    return { kind: 'unreadable', reason: errorText(error) };
  } finally {
    await file.close();
  }
}

function spawnFailure(program: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return `command "${program}" not found`;
  if (error.code === 'EACCES') return `command "${program}" could not be started: permission denied`;
  return `command "${program}" could not be started: ${error.code ?? error.message}`;
}

function reasonText(reason: unknown): string {
  if (typeof reason === 'string' && reason !== '') return reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return 'aborted';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
